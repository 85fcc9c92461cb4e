package dev.hwf.pbs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One command output under {@code src/test/resources/fixtures/<dir>/} (the README there says where each
 * comes from): {@code NAME.stdout}, {@code NAME.exit} and, when not empty, {@code NAME.stderr}.
 */
record Fixture(String name, int exitCode, String stdout, String stderr) {

    static Fixture torque(String name) {
        return load("torque", name);
    }

    static Fixture pbspro(String name) {
        return load("pbspro", name);
    }

    static Fixture load(String dir, String name) {
        String exit = read(dir, name + ".exit", true);
        return new Fixture(name, Integer.parseInt(exit.strip()), read(dir, name + ".stdout", true),
                read(dir, name + ".stderr", false));
    }

    static String read(String dir, String file, boolean required) {
        try (InputStream in = Fixture.class.getResourceAsStream("/fixtures/" + dir + "/" + file)) {
            if (in == null) {
                if (required) {
                    throw new IllegalStateException("missing fixture file " + dir + "/" + file);
                }
                return "";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
