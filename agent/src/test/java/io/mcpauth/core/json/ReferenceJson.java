package io.mcpauth.core.json;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jackson 3 (the MCP SDK's parser), with duplicate names refused, as the reference reading of a
 * JSON text in the fuzz targets: its tree mapped the way {@link StrictJson} maps values (integers
 * that fit to Long, other numbers to Double, null kept), so the two readings compare with equals.
 */
public final class ReferenceJson {

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private ReferenceJson() {}

  /** Jackson's reading of {@code utf8}, or null when Jackson refuses it. */
  public static Object read(byte[] utf8) {
    try {
      return value(MAPPER.readTree(utf8));
    } catch (JacksonException e) {
      return null;
    }
  }

  /** The nesting depth of {@code value}: 0 for a scalar, 1 for an empty container. */
  public static int depth(Object value) {
    int deepest = 0;
    if (value instanceof Map<?, ?> map) {
      for (Object member : map.values()) {
        deepest = Math.max(deepest, depth(member));
      }
      return deepest + 1;
    }
    if (value instanceof List<?> list) {
      for (Object element : list) {
        deepest = Math.max(deepest, depth(element));
      }
      return deepest + 1;
    }
    return 0;
  }

  private static Object value(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> members = new HashMap<>();
      for (Map.Entry<String, JsonNode> member : node.properties()) {
        members.put(member.getKey(), value(member.getValue()));
      }
      return members;
    }
    if (node.isArray()) {
      List<Object> elements = new ArrayList<>();
      for (JsonNode element : node) {
        elements.add(value(element));
      }
      return elements;
    }
    if (node.isNull()) {
      return null;
    }
    if (node.isString()) {
      return node.stringValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    throw new IllegalStateException("unexpected node " + node.getNodeType());
  }
}
