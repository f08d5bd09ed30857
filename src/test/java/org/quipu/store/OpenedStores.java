package org.quipu.store;

import java.util.ArrayList;
import java.util.List;

/** The state stores a test case opened, to close after it: each keeps a connection for applies. */
final class OpenedStores {

  private final List<JpaStateStore> stores = new ArrayList<>();

  /** Remembers {@code store} for {@link #closeAll}; returns it. */
  JpaStateStore add(JpaStateStore store) {
    stores.add(store);
    return store;
  }

  void closeAll() {
    stores.forEach(JpaStateStore::close);
    stores.clear();
  }
}
