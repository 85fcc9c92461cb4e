package dev.hwf.lsf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** One command output under {@code src/test/resources/fixtures/lsf/} (see the README there). */
record Fixture(String name, int exitCode, String stdout, String stderr) {

    static Fixture load(String name) {
        String exit = read(name + ".exit", true);
        return new Fixture(name, Integer.parseInt(exit.strip()), read(name + ".stdout", true),
                read(name + ".stderr", false));
    }

    private static String read(String file, boolean required) {
        try (InputStream in = Fixture.class.getResourceAsStream("/fixtures/lsf/" + file)) {
            if (in == null) {
                if (required) {
                    throw new IllegalStateException("missing fixture file " + file);
                }
                return "";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
