package org.quipu.store;

import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.util.Map;
import javax.sql.DataSource;
import org.eclipse.persistence.config.PersistenceUnitProperties;

/**
 * Opens the JPA unit {@code quipu} (the state tables' entities, {@code
 * META-INF/quipu-persistence.xml}) with EclipseLink on a given data source. The node and {@code
 * StateStoreIT} open it the same way; the caller closes it.
 */
public final class StateEntities {

  static final String UNIT = "quipu";
  private static final String DESCRIPTOR = "META-INF/quipu-persistence.xml";

  private StateEntities() {}

  public static EntityManagerFactory open(DataSource dataSource) {
    return Persistence.createEntityManagerFactory(UNIT, Map.of(
        PersistenceUnitProperties.ECLIPSELINK_PERSISTENCE_XML, DESCRIPTOR,
        PersistenceUnitProperties.NON_JTA_DATASOURCE, dataSource,
        // Found by this class's loader, the application's (Persistence's default may be another).
        PersistenceUnitProperties.CLASSLOADER, StateEntities.class.getClassLoader()));
  }
}
