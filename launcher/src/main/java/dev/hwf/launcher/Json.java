package dev.hwf.launcher;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * hwf's JSON: the journal's stored values (a run's workflow, a version's sets, a site's limits)
 * and the {@code --json} output, written and read with Jackson's streaming parser and generator.
 *
 * <p>It knows the shapes hwf stores and prints, and no more: {@code null}, strings, numbers,
 * booleans, enums (by name), lists, arrays, maps with string keys, and records (one field per
 * component, in the order declared, nulls included). Reading fills a record through its canonical
 * constructor: a field it does not know is skipped, a missing one is null, zero or false, as a
 * journal written by an older or newer hwf needs. The text is the one Jackson's object mapper
 * writes for the same values (JsonTest checks it on every workflow the project has).
 *
 * <p>Why not the object mapper: it is some 500 classes, and a followed run is a long-lived process
 * on a login node, where each class loaded stays resident for the whole campaign (see
 * docs/development/performance.md).
 */
public final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return Shape.of(type);
        }
    };

    private Json() {
    }

    /** Text that is not the JSON of the type asked for. */
    public static final class Malformed extends IllegalArgumentException {
        Malformed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** {@code value} as compact JSON. */
    public static String write(Object value) {
        return write(value, false);
    }

    /** {@code value} as JSON indented two spaces a level, as people read it. */
    public static String writeIndented(Object value) {
        return write(value, true);
    }

    private static String write(Object value, boolean indent) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            if (indent) {
                g.useDefaultPrettyPrinter();
            }
            g.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN); // hours as 1.50, never 1.5E+0
            write(g, value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).intValue());
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof Float f) {
            g.writeNumber(f);
        } else if (v instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (v instanceof BigInteger i) {
            g.writeNumber(i);
        } else if (v instanceof Enum<?> e) {
            g.writeString(e.name());
        } else if (v instanceof CharSequence s) {
            g.writeString(s.toString());
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof java.nio.file.Path) {
            throw new IllegalArgumentException("hwf writes a path as JSON by its string, not as a Path");
        } else if (v instanceof Iterable<?> items) {
            g.writeStartArray();
            for (Object item : items) {
                write(g, item);
            }
            g.writeEndArray();
        } else if (v.getClass().isArray()) {
            g.writeStartArray();
            for (int i = 0, n = Array.getLength(v); i < n; i++) {
                write(g, Array.get(v, i));
            }
            g.writeEndArray();
        } else if (v instanceof Record r) {
            Shape shape = SHAPES.get(r.getClass());
            g.writeStartObject();
            for (int i = 0; i < shape.names.length; i++) {
                g.writeFieldName(shape.names[i]);
                write(g, shape.get(r, i));
            }
            g.writeEndObject();
        } else {
            throw new IllegalArgumentException("hwf writes no " + v.getClass().getName() + " as JSON");
        }
    }

    /** The value of {@code type} that {@code json} holds. */
    public static <T> T read(String json, Class<T> type) {
        @SuppressWarnings("unchecked")
        T out = (T) read(json, (Type) type);
        return out;
    }

    /**
     * The value of {@code type} (a class, or a list, collection or map of one, as a
     * {@link ParameterizedType}) that {@code json} holds; {@code Object.class} gives maps, lists,
     * strings, numbers, booleans and nulls.
     */
    public static Object read(String json, Type type) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() == null) {
                throw new Malformed("no JSON value: the text is empty", null);
            }
            return value(p, type);
        } catch (IOException e) {
            throw new Malformed(e.getMessage(), e);
        }
    }

    private static Object value(JsonParser p, Type type) throws IOException {
        Class<?> raw = raw(type);
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return raw.isPrimitive() ? zero(raw) : null;
        }
        if (raw == Object.class) {
            return tree(p);
        }
        if (raw == String.class) {
            if (t.isScalarValue()) {
                return p.getText();
            }
        } else if (raw == int.class || raw == Integer.class) {
            return t.isNumeric() ? p.getValueAsInt() : number(p, t, raw);
        } else if (raw == long.class || raw == Long.class) {
            return t.isNumeric() ? p.getValueAsLong() : number(p, t, raw);
        } else if (raw == double.class || raw == Double.class) {
            return t.isNumeric() ? p.getValueAsDouble() : number(p, t, raw);
        } else if (raw == boolean.class || raw == Boolean.class) {
            if (t.isBoolean()) {
                return t == JsonToken.VALUE_TRUE;
            }
            if (t == JsonToken.VALUE_STRING && ("true".equals(p.getText()) || "false".equals(p.getText()))) {
                return Boolean.parseBoolean(p.getText());
            }
        } else if (raw.isEnum()) {
            if (t == JsonToken.VALUE_STRING) {
                return constant(p, raw);
            }
        } else if (raw.isRecord()) {
            if (t == JsonToken.START_OBJECT) {
                return record(p, SHAPES.get(raw));
            }
        } else if (Map.class.isAssignableFrom(raw)) {
            if (t == JsonToken.START_OBJECT) {
                Type valueType = argument(type, 1);
                Map<String, Object> out = SortedMap.class.isAssignableFrom(raw) ? new TreeMap<>() : new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    out.put(key, value(p, valueType));
                }
                return out;
            }
        } else if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            if (t == JsonToken.START_ARRAY) {
                Type itemType = raw.isArray() ? raw.getComponentType() : argument(type, 0);
                List<Object> out = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    out.add(value(p, itemType));
                }
                if (!raw.isArray()) {
                    return out;
                }
                Object array = Array.newInstance(raw.getComponentType(), out.size());
                for (int i = 0; i < out.size(); i++) {
                    Array.set(array, i, out.get(i));
                }
                return array;
            }
        } else {
            throw new IllegalArgumentException("hwf reads no " + raw.getName() + " from JSON");
        }
        throw new Malformed("expected " + what(raw) + ", found " + found(t) + " at " + where(p), null);
    }

    /** A number given as a string ({@code "12"}), as Jackson's mapper also reads it. */
    private static Object number(JsonParser p, JsonToken t, Class<?> raw) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText().trim();
            try {
                if (raw == int.class || raw == Integer.class) {
                    return Integer.parseInt(s);
                }
                return raw == long.class || raw == Long.class ? Long.parseLong(s) : (Object) Double.parseDouble(s);
            } catch (NumberFormatException e) {
                // said below
            }
        }
        throw new Malformed("expected " + what(raw) + ", found " + found(t) + " at " + where(p), null);
    }

    private static Object constant(JsonParser p, Class<?> raw) throws IOException {
        for (Object c : raw.getEnumConstants()) {
            if (((Enum<?>) c).name().equals(p.getText())) {
                return c;
            }
        }
        throw new Malformed("\"" + p.getText() + "\" is not one of " + List.of(raw.getEnumConstants()) + " at "
                + where(p), null);
    }

    private static Object record(JsonParser p, Shape shape) throws IOException {
        Object[] args = new Object[shape.names.length];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            Integer i = shape.index.get(p.currentName());
            p.nextToken();
            if (i == null) {
                p.skipChildren(); // a field this hwf does not know: written by a newer one
            } else {
                args[i] = value(p, shape.types[i]);
            }
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null && shape.raw[i].isPrimitive()) {
                args[i] = zero(shape.raw[i]);
            }
        }
        try {
            return shape.constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            throw new Malformed("cannot make a " + shape.constructor.getDeclaringClass().getSimpleName() + " of it: "
                    + e.getCause().getMessage() + " (at " + where(p) + ")", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object tree(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> out = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    out.put(key, tree(p));
                }
                return out;
            }
            case START_ARRAY -> {
                List<Object> out = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    out.add(tree(p));
                }
                return out;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getNumberValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return t == JsonToken.VALUE_TRUE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new Malformed("unexpected " + found(t) + " at " + where(p), null);
        }
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType pt) {
            return (Class<?>) pt.getRawType();
        }
        throw new IllegalArgumentException("hwf reads no " + type + " from JSON");
    }

    private static Type argument(Type type, int i) {
        return type instanceof ParameterizedType pt ? pt.getActualTypeArguments()[i] : Object.class;
    }

    private static Object zero(Class<?> primitive) {
        if (primitive == boolean.class) {
            return false;
        }
        if (primitive == long.class) {
            return 0L;
        }
        if (primitive == double.class) {
            return 0.0;
        }
        return 0;
    }

    private static String what(Class<?> raw) {
        if (raw.isRecord() || Map.class.isAssignableFrom(raw)) {
            return "an object";
        }
        if (raw.isArray() || Collection.class.isAssignableFrom(raw)) {
            return "an array";
        }
        String name = raw.isPrimitive() ? raw.getName() : raw.getSimpleName();
        return ("AEIOUaeiou".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
    }

    private static String found(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
        };
    }

    private static String where(JsonParser p) {
        return "line " + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr();
    }

    /** A record type's components: names, types, accessors, and its canonical constructor. */
    private static final class Shape {
        final String[] names;
        final Type[] types;
        final Class<?>[] raw;
        final Method[] accessors;
        final Map<String, Integer> index = new HashMap<>();
        final Constructor<?> constructor;

        private Shape(RecordComponent[] components, Constructor<?> constructor) {
            int n = components.length;
            names = new String[n];
            types = new Type[n];
            raw = new Class<?>[n];
            accessors = new Method[n];
            for (int i = 0; i < n; i++) {
                names[i] = components[i].getName();
                types[i] = components[i].getGenericType();
                raw[i] = components[i].getType();
                accessors[i] = components[i].getAccessor();
                accessors[i].setAccessible(true);
                index.put(names[i], i);
            }
            this.constructor = constructor;
            constructor.setAccessible(true);
        }

        static Shape of(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            if (components == null) {
                throw new IllegalArgumentException(type.getName() + " is not a record");
            }
            Class<?>[] params = new Class<?>[components.length];
            for (int i = 0; i < params.length; i++) {
                params[i] = components[i].getType();
            }
            try {
                return new Shape(components, type.getDeclaredConstructor(params));
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(type.getName() + " has no canonical constructor", e);
            }
        }

        Object get(Record r, int i) {
            try {
                return accessors[i].invoke(r);
            } catch (InvocationTargetException e) {
                throw new IllegalStateException(names[i] + " of " + r.getClass().getSimpleName() + ": "
                        + e.getCause().getMessage(), e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
