package dev.hwf.pbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hwf.testing.Fixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LenientJsonTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> vars(String fixture, String job) throws Exception {
        Map<String, Object> doc = LenientJson.parseObject(Fixture.load("pbspro", fixture).stdout());
        return (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) doc.get("Jobs")).get(job))
                .get("Variable_List");
    }

    @Test
    void valuesOfTheBrokenEscapeFixtureComeOutAsTheUserWroteThem() throws Exception {
        Map<String, Object> v = vars("qstat-broken-escapes", "1231.pbs01");
        assertEquals("/scratch/alice/hwf/lucid-dose-20261122-101500-1a2b/work dir with 'quotes' and , commas",
                v.get("PBS_O_WORKDIR"));
        assertEquals("tab\there", v.get("HWF_NOTE"));
        assertEquals("first line\nsecond line", v.get("HWF_LINES"));
        assertEquals("'\"asads\"'", v.get("MYVAR"));
        assertEquals("005", v.get("ZEROS"));
        assertEquals("() {  eval `/usr/bin/modulecmd bash \"$@\"`\n}", v.get("BASH_FUNC_module%%"));
        assertEquals("workq", v.get("PBS_O_QUEUE"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void strayQuotesStayInsideTheirString() throws Exception {
        Map<String, Object> doc = LenientJson.parseObject(Fixture.load("pbspro", "qstat-broken-escapes").stdout());
        Map<String, Object> job = (Map<String, Object>) ((Map<String, Object>) doc.get("Jobs")).get("1231.pbs01");
        assertEquals("Job run at Sun Nov 22 at 10:15 on (node01:ncpus=1) \"fast lane\"", job.get("comment"));
        assertEquals("R", job.get("job_state"));
    }

    @Test
    void plainJson() throws Exception {
        Map<String, Object> m = LenientJson.parseObject(
                "noise before {\"a\":[1, \"two\", {\"b\":null}], \"c\":\"\\u00e9\\n\\/\", \"d\":true, \"e\":{},"
                        + " \"f\":[],}trailing");
        assertEquals(List.of("1", "two", java.util.Collections.singletonMap("b", null)), m.get("a"));
        assertEquals("é\n/", m.get("c"));
        assertEquals("true", m.get("d"));
        assertEquals(Map.of(), m.get("e"));
        assertEquals(List.of(), m.get("f"));
        assertNull(((Map<?, ?>) ((List<?>) m.get("a")).get(2)).get("b"));
    }

    @Test
    void whatIsNoJsonThrows() {
        for (String bad : new String[] {null, "", "no braces", "{", "{\"a\"", "{\"a\":", "{\"a\":\"x",
                "{\"a\" \"b\"}", "{a:1}", "{\"a\":1 \"b\":2}", "{\"a\":[1 2]}"}) {
            assertThrows(LenientJson.ParseException.class, () -> LenientJson.parseObject(bad), String.valueOf(bad));
        }
    }
}
