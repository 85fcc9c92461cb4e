package dev.hwf.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hwf.api.SiteLimits;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * hwf's JSON against Jackson's object mapper, which wrote the journal before it: the same text for
 * the same values, and each reads what the other wrote. Older journals hold the mapper's text, and
 * an older hwf may open a journal this one wrote.
 */
class JsonTest {
    /** The mapper as SpecCodec set it up before: record fields, unknown ones skipped. */
    private static final ObjectMapper STORED = new ObjectMapper()
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("workflows"))) {
            p = p.getParent();
        }
        return p;
    }

    @Test
    void everyShippedWorkflowIsStoredAsTheMapperStoredItAndReadsBackEqual() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(root().resolve("workflows"))) {
            s.filter(f -> f.toString().endsWith(".yaml")).forEach(files::add);
        }
        files.add(root().resolve("launcher/src/test/resources/workflows/spec-example.yaml"));
        assertTrue(files.size() >= 5, "workflows found: " + files);
        for (Path f : files) {
            Workflow wf = WorkflowLoader.load(f, List.of());
            String mine = Json.write(wf);
            assertEquals(STORED.writeValueAsString(wf), mine, f.toString());
            assertEquals(wf, Json.read(mine, Workflow.class), f + ": read back");
            assertEquals(wf, STORED.readValue(mine, Workflow.class), f + ": read by the mapper");
        }
    }

    /**
     * Workflows of random values in every field a workflow has (sites, pilots, notifications,
     * placement, software, nulls, quotes, non-ASCII text, large numbers): the same text as the
     * mapper's, and equal when read back by either.
     */
    @Test
    void randomWorkflowsInEveryFieldMatchTheMapper() throws IOException {
        Random random = new Random(20261205);
        int made = 0;
        for (int i = 0; i < 600; i++) {
            Workflow wf;
            try {
                wf = (Workflow) random(Workflow.class, random, 0);
            } catch (IllegalArgumentException | NullPointerException e) {
                continue; // values a record refuses
            }
            made++;
            String mine = Json.write(wf);
            assertEquals(STORED.writeValueAsString(wf), mine);
            assertEquals(wf, Json.read(mine, Workflow.class));
            assertEquals(wf, STORED.readValue(mine, Workflow.class));
        }
        assertTrue(made >= 200, "workflows made: " + made); // the rest had values a record refuses
    }

    @Test
    void aFieldItDoesNotKnowIsSkippedAndAMissingOneIsEmpty() {
        SiteLimits l = Json.read("{\"maxJobs\":5,\"future\":{\"a\":[1,{\"b\":null}]},\"maxJobsSource\":\"qos\"}",
                SiteLimits.class);
        assertEquals(new SiteLimits(null, 5, "qos"), l);
        record Counts(int n, long m, boolean on, double x, String s) {
        }
        assertEquals(new Counts(0, 0, false, 0.0, null), Json.read("{}", Counts.class));
        assertEquals(new Counts(0, 0, false, 0.0, null), Json.read("{\"n\":null,\"on\":null}", Counts.class));
        assertEquals(new Counts(3, 4, true, 2.5, "7"), Json.read("{\"n\":\"3\",\"m\":4.0,\"on\":\"true\",\"x\":2.5,"
                + "\"s\":7}", Counts.class), "what the mapper also accepts");
    }

    @Test
    void textThatIsNotTheTypeAskedForSaysWhatAndWhere() {
        Json.Malformed e = assertThrows(Json.Malformed.class, () -> Json.read("{\n  \"maxJobs\": [1]\n}",
                SiteLimits.class));
        assertTrue(e.getMessage().contains("expected an Integer, found an array at line 2"), e.getMessage());
        e = assertThrows(Json.Malformed.class, () -> Json.read("{\"maxJobs\": 1", SiteLimits.class));
        assertTrue(e.getMessage().contains("end-of-input"), e.getMessage());
        e = assertThrows(Json.Malformed.class, () -> Json.read("", SiteLimits.class));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        e = assertThrows(Json.Malformed.class, () -> Json.read("[]", SiteLimits.class));
        assertTrue(e.getMessage().contains("expected an object, found an array"), e.getMessage());
        record Positive(int n) {
            Positive {
                if (n <= 0) {
                    throw new IllegalArgumentException("n must be positive");
                }
            }
        }
        e = assertThrows(Json.Malformed.class, () -> Json.read("{\"n\": -1}", Positive.class));
        assertTrue(e.getMessage().contains("n must be positive"), e.getMessage());
    }

    @Test
    void outputMapsAreWrittenAsTheMapperWroteThemCompactAndIndented() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", "r-1 \"quoted\" \u00e9\u2603\n\t\u0001");
        m.put("version", 3);
        m.put("bytes", 12_345_678_901L);
        m.put("hours", new BigDecimal("1.50"));
        m.put("tiny", new BigDecimal("1E-7"));
        m.put("ratio", 0.1 + 0.2);
        m.put("big", 1.0e21);
        m.put("ok", true);
        m.put("ended", null);
        m.put("empty", Map.of());
        m.put("none", List.of());
        m.put("tasks", List.of(Map.of("name", "a"), List.of(1, 2), new String[] {"x", null}));
        m.put("limits", new SiteLimits(10, null, "site.maxJobs"));
        m.put("state", Thread.State.RUNNABLE);
        ObjectMapper compact = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        ObjectMapper indented = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        assertEquals(compact.writeValueAsString(m), Json.write(m));
        assertEquals(indented.writeValueAsString(m), Json.writeIndented(m));
    }

    @Test
    void anyJsonReadsAsMapsListsAndScalars() {
        Object tree = Json.read("{\"a\": [1, 2.5, \"s\", true, null, 12345678901], \"b\": {}}", Object.class);
        Map<String, Object> want = new LinkedHashMap<>();
        List<Object> a = new ArrayList<>(List.of(1, 2.5, "s", true));
        a.add(null);
        a.add(12_345_678_901L);
        want.put("a", a);
        want.put("b", Map.of());
        assertEquals(want, tree);
        assertArrayEquals(new String[] {"a", "b"}, Json.read("[\"a\",\"b\"]", String[].class));
        assertNull(Json.read("null", SiteLimits.class));
    }

    // random values of a record's component types, for the comparison above

    private static final String[] TEXTS = {"", "a", "t1", "say \"hi\"", "back\\slash", "line\nbreak", "\u00e9t\u00e9",
        "\u2603 snow", "tab\there", "\u0000nul", "$HOME `x`", "x".repeat(300)};

    private static Object random(Type type, Random r, int depth) {
        Class<?> raw = type instanceof ParameterizedType pt ? (Class<?>) pt.getRawType() : (Class<?>) type;
        boolean nullable = !raw.isPrimitive();
        if (nullable && r.nextInt(6) == 0) {
            return null;
        }
        if (raw == String.class) {
            return TEXTS[r.nextInt(TEXTS.length)];
        }
        if (raw == int.class || raw == Integer.class) {
            return r.nextBoolean() ? r.nextInt(100) : r.nextInt();
        }
        if (raw == long.class || raw == Long.class) {
            return r.nextBoolean() ? (long) r.nextInt(100_000) : r.nextLong();
        }
        if (raw == double.class || raw == Double.class) {
            return r.nextBoolean() ? r.nextInt(100) / 4.0 : r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return r.nextBoolean();
        }
        if (raw == List.class) {
            Type item = ((ParameterizedType) type).getActualTypeArguments()[0];
            List<Object> out = new ArrayList<>();
            for (int i = depth > 3 ? 0 : r.nextInt(4); i > 0; i--) {
                Object v = random(item, r, depth + 1);
                if (v != null) {
                    out.add(v);
                }
            }
            return out;
        }
        if (raw == Map.class) {
            Type value = ((ParameterizedType) type).getActualTypeArguments()[1];
            Map<String, Object> out = new LinkedHashMap<>();
            for (int i = depth > 3 ? 0 : r.nextInt(4); i > 0; i--) {
                Object v = random(value, r, depth + 1);
                if (v != null) {
                    out.put("k" + r.nextInt(10) + TEXTS[r.nextInt(TEXTS.length)], v);
                }
            }
            return out;
        }
        if (raw.isRecord()) {
            if (depth > 4) {
                return null;
            }
            RecordComponent[] cs = raw.getRecordComponents();
            Object[] args = new Object[cs.length];
            Class<?>[] types = new Class<?>[cs.length];
            for (int i = 0; i < cs.length; i++) {
                args[i] = random(cs[i].getGenericType(), r, depth + 1);
                types[i] = cs[i].getType();
            }
            try {
                return raw.getDeclaredConstructor(types).newInstance(args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw new IllegalArgumentException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no random " + type);
    }
}
