package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The torchrun line hwf renders, parsed by PyTorch 1.13's own torchrun argument parser
 * ({@code torch.distributed.run.get_args_parser()}, Debian's {@code python3-torch}). PyTorch before
 * 2.0 knows only the underscore spellings of its flags ({@code --nproc_per_node}); a line with
 * {@code --nproc-per-node} dies at once with "unrecognized arguments". Debian 12's torchrun itself
 * cannot start on Python 3.11 (its redirects parsing fails), so the parser is called directly, on
 * the words the job's bash would pass, with Debian's own {@code /usr/bin/python3}.
 */
class TorchrunArgsIT {
    @TempDir
    Path scratch;

    /** What get_args_parser() made of the line, one field per line. */
    private String parsed(String script) throws Exception {
        String line = script.lines().filter(l -> l.contains("torchrun --nnodes")).findFirst()
                .orElseThrow(() -> new AssertionError("no torchrun line in:\n" + script));
        Path sh = scratch.resolve("parse.sh");
        Files.writeString(sh, String.join("\n",
                "MASTER_ADDR=n1; MASTER_PORT=29567",
                "torchrun() {",
                "  /usr/bin/python3 - \"$@\" <<'PY'",
                "import sys",
                "from torch.distributed.run import get_args_parser",
                "a = get_args_parser().parse_args(sys.argv[1:])",
                "for v in (a.nnodes, a.nproc_per_node, a.rdzv_backend, a.rdzv_endpoint, a.no_python,",
                "          a.training_script, a.training_script_args):",
                "    print(v)",
                "PY",
                "}",
                line.substring(line.indexOf("torchrun --nnodes")),
                ""));
        Process p = new ProcessBuilder("bash", sh.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python3 ran past 120 s");
        assertEquals(0, p.exitValue(), "PyTorch's torchrun parser refused the line:\n" + line + "\n" + out);
        return out;
    }

    @Test
    void pyTorch113sOwnParserTakesTheLinesHwfRenders() throws Exception {
        Hwf hwf = new Hwf(scratch, "1");
        Path wf = hwf.workflow("ddp.yaml", """
                name: ddp
                scheduler: slurm
                tasks:
                  - { name: two, launcher: torchrun, nodes: 2, ntasks: 4, command: train.py --epochs 3 }
                  - { name: one, launcher: torchrun, ntasks: 2, command: train.py --epochs 3 }
                """);
        Path out = scratch.resolve("scripts");
        Hwf.Result r = hwf.run("render", wf.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        assertEquals(List.of("2", "2", "c10d", "n1:29567", "False", "train.py", "['--epochs', '3']"),
                parsed(Files.readString(out.resolve("two.sh"))).lines().toList());
        assertEquals(List.of("1", "2", "c10d", "n1:29567", "False", "train.py", "['--epochs', '3']"),
                parsed(Files.readString(out.resolve("one.sh"))).lines().toList());
    }
}
