package org.quipu.api;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * Reads every JSON request body of the API (its request records) with {@link StrictJson}, in
 * place of JSON-B. Jersey picks the reader whose declared type is closest to the entity's class:
 * {@code Record} is closer to a request record than JSON-B's {@code Object}, whatever the order
 * of registration. Responses are still written by JSON-B. A charset other than UTF-8 is refused with 415 (API.md),
 * rather than decoded: one encoding is one less way for two parsers to disagree.
 */
@Provider
@Consumes(MediaType.APPLICATION_JSON)
public class StrictJsonReader implements MessageBodyReader<Record> {

  @Override
  public boolean isReadable(
      Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
    return type.isRecord();
  }

  @Override
  public Record readFrom(Class<Record> type, Type genericType, Annotation[] annotations,
      MediaType mediaType, MultivaluedMap<String, String> headers, InputStream body) {
    String charset = mediaType.getParameters().get(MediaType.CHARSET_PARAMETER);
    if (charset != null && !charset.strip().equalsIgnoreCase("UTF-8")) {
      throw new ApiException(415, "Unsupported Media Type",
          "the body must be JSON in UTF-8; charset=" + charset + " is not accepted");
    }
    return StrictJson.read(body, type);
  }
}
