package dev.stateless.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.stateless.ValueCodec;
import dev.stateless.ValueCodecException;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Objects;

/**
 * {@link ValueCodec#json()}: Jackson. Java types are resolved once per type (Jackson caches the
 * serializers); the mapper is shared and never reconfigured after it is built.
 */
public final class JsonCodec implements ValueCodec {
  public static final JsonCodec DEFAULT =
      new JsonCodec(
          JsonMapper.builder()
              .addModule(new JavaTimeModule())
              .addModule(new Jdk8Module())
              .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
              .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
              .build());

  private final ObjectMapper mapper;

  public JsonCodec(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  @Override
  public byte[] encode(Object value) {
    Objects.requireNonNull(value, "value");
    try {
      byte[] json = mapper.writeValueAsBytes(value);
      if (ValueType.strictUtf8(json) == null) {
        // Jackson writes half a surrogate pair as bytes no UTF-8 reader takes: refuse, as for text
        throw new ValueCodecException(
            "a String in the "
                + value.getClass().getName()
                + " is no well-formed UTF-16 (half a surrogate pair), which UTF-8 cannot hold",
            null);
      }
      return json;
    } catch (JsonProcessingException e) {
      throw new ValueCodecException(
          "JSON cannot hold a " + value.getClass().getName() + ": " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public Object decode(byte[] bytes, Type type) {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(type, "type");
    JavaType javaType = mapper.getTypeFactory().constructType(type);
    try {
      Object value = mapper.readValue(bytes, javaType);
      if (value == null) {
        throw new ValueCodecException("the JSON is null, not a " + type.getTypeName(), null);
      }
      return value;
    } catch (IOException e) {
      String problem =
          e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new ValueCodecException("not JSON of a " + type.getTypeName() + ": " + problem, e);
    }
  }

  /**
   * A JSON object of texts (a {@code RedisAdapter} hash read from Redis), or null if it is none.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, String> stringMap(String json) {
    return (Map<String, String>)
        DEFAULT.decode(
            json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            DEFAULT
                .mapper
                .getTypeFactory()
                .constructMapType(java.util.LinkedHashMap.class, String.class, String.class));
  }

  @Override
  public String toString() {
    return mapper == DEFAULT.mapper ? "ValueCodec.json()" : "ValueCodec.json(" + mapper + ")";
  }
}
