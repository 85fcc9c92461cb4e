package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release as a newcomer installs it (issue 28): bin/release builds both tarballs from this
 * build's jars, and src/test/release/newcomer.sh unpacks the one with its own Java runtime on a
 * machine where no Java and no Maven can be found (a mount namespace hides them), read-only, and
 * uses it through a symbolic link from another directory: the example workflow runs to SUCCEEDED,
 * {@code hwf doctor} passes against the plain local Slurm, and {@code man hwf} finds its page once
 * the modulefile is loaded. Needs root (unshare -m), the local Slurm (up.sh), Lmod, and asciidoctor.
 */
class ReleaseIT {
    @TempDir
    static Path scratch;
    static Path dist;
    static String release;

    @BeforeAll
    static void build() throws Exception {
        SshNode.run("up.sh"); // the plain local Slurm, for hwf doctor
        dist = Files.createDirectories(scratch.resolve("dist"));
        Result r = run(Hwf.home().resolve("bin/release").toString(), "--out", dist.toString(), "--no-build");
        assertEquals(0, r.code(), r.out());
        release = r.out();
    }

    record Result(int code, String out) {
    }

    private static Result run(String... cmd) throws IOException, InterruptedException {
        Path log = Files.createTempFile(scratch, "run", ".log");
        Process p = new ProcessBuilder(cmd).directory(Hwf.home().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " ran past 300 s:\n" + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log));
    }

    private static String version() {
        Matcher m = Pattern.compile("dist/hwf-(\\d+\\.\\d+\\.\\d+)\\.tar\\.gz").matcher(release);
        assertTrue(m.find(), release);
        return m.group(1);
    }

    @Test
    void bothTarballsHoldWhatANewcomerNeedsAndTheOneWithItsRuntimeIsAtMost60Mb() throws Exception {
        String v = version();
        Path plain = dist.resolve("hwf-" + v + ".tar.gz");
        Path full = dist.resolve("hwf-" + v + "-linux-x86_64.tar.gz");
        assertTrue(Files.size(full) <= 60L * 1000 * 1000, "with its runtime: " + Files.size(full) + " bytes");
        List<String> withRuntime = list(full);
        List<String> without = list(plain);
        String root = "hwf-" + v + "/";
        for (String f : List.of("bin/hwf", "lib/hwf.jar", "templates/slurm.sh", "workflows/hybrid.yaml",
                "share/man/man1/hwf.1", "share/man/man1/hwf-submit.1", "share/man/man1/hwf-doctor.1",
                "share/bash-completion/completions/hwf", "modulefiles/hwf/" + v + ".lua", "CHANGELOG.md")) {
            assertTrue(withRuntime.contains(root + f), f + " in " + full);
            assertTrue(without.contains(root + f), f + " in " + plain);
        }
        assertTrue(withRuntime.contains(root + "runtime/bin/java"), "a Java runtime of its own");
        assertTrue(withRuntime.contains(root + "runtime/lib/server/classes.jsa"), "with its class-data archive");
        assertFalse(without.stream().anyMatch(f -> f.startsWith(root + "runtime/")), "none in " + plain);
    }

    private static List<String> list(Path tarball) throws Exception {
        Result r = run("tar", "-tzf", tarball.toString());
        assertEquals(0, r.code(), r.out());
        return Stream.of(r.out().split("\n")).map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s)
                .toList();
    }

    @Test
    void aNewcomerWithoutJavaOrMavenRunsTheExampleAndTheDoctorFromTheTarball() throws Exception {
        String v = version();
        Result r = run("bash", Hwf.home().resolve("src/test/release/newcomer.sh").toString(),
                dist.resolve("hwf-" + v + "-linux-x86_64.tar.gz").toString(), scratch.resolve("newcomer").toString());
        String out = r.out();
        assertEquals(0, r.code(), out);
        assertTrue(out.contains("newcomer: no java, no mvn on this machine"), out);
        assertTrue(out.contains("hwf " + v + " (commit "), out);
        assertTrue(out.contains("runtime, on Linux"), "the release's own runtime ran it:\n" + out);
        assertTrue(out.contains("== state SUCCEEDED"), out);
        assertTrue(out.contains("== doctor exit 0") && out.contains("OK    scheduler      Slurm"), out);
        assertTrue(out.contains("man page: " + scratch.resolve("newcomer/opt/hwf-" + v + "/share/man/man1/hwf.1")),
                out);
        assertTrue(Pattern.compile("== cache hwf-\\d+-jdk\\d+\\.(aot|jsa)").matcher(out).find(),
                "its start-up cache in ~/.cache/hwf, the installation being read-only:\n" + out);
    }
}
