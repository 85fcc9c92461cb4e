package dev.hwf.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One command output captured from a scheduler, as the tests hold it on their class path under
 * {@code fixtures/<dir>/} (the README beside each set says where it comes from): {@code NAME.exit},
 * {@code NAME.stdout} and, when not empty, {@code NAME.stderr}. The adapters' sets are
 * {@code slurm}, {@code torque}, {@code pbspro} and {@code lsf}.
 */
public record Fixture(String name, int exitCode, String stdout, String stderr) {

    /** {@code fixtures/<dir>/<name>.*}: the exit code and stdout files must be there, stderr may not. */
    public static Fixture load(String dir, String name) {
        String exit = read(dir, name + ".exit", true);
        return new Fixture(name, Integer.parseInt(exit.strip()), read(dir, name + ".stdout", true),
                read(dir, name + ".stderr", false));
    }

    /** The text of {@code fixtures/<dir>/<file>}; "" for a file not there that is not required. */
    public static String read(String dir, String file, boolean required) {
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
