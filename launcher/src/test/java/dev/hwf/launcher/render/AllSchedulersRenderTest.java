package dev.hwf.launcher.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.site.Schedulers;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multi-node MPI task and a GPU array, rendered the way {@code hwf render} renders them (the workflow
 * file, --set overrides, {@link Schedulers#forWorkflow}, {@link JobScripts}) for every scheduler:
 * the header lines a user reads, and the array element each script believes it is when bash runs it
 * with the scheduler's own index variable.
 */
class AllSchedulersRenderTest {
    private static final String RUN = "render-all-r1";

    @TempDir
    Path work;

    private static final String WORKFLOW = """
            name: render-all
            site: { gpuPartition: gpu }
            defaults: { account: proj42, partition: cpu }
            tasks:
              - name: simulate
                command: mpirun ./sim
                nodes: 2
                ntasks: 8
                cpus: 4
                memory: 16G
                walltime: "02:00:00"
                qos: normal
                directives: ["DIRECTIVE"]
              - name: train
                after: [simulate]
                gpus: 1
                array: 8
                arrayLimit: 4
                command: echo "shard $HWF_ARRAY_INDEX of $HWF_ARRAY_SIZE"
            """;

    /** A rendered script per task, as attempt 1 of run {@value #RUN} with the given element indices. */
    private Map<String, String> render(String scheduler, String directive, Map<String, List<Integer>> indices,
                                       String... sets) {
        List<String> all = new ArrayList<>(List.of("scheduler=" + scheduler, "site.workdir=" + work));
        all.addAll(List.of(sets));
        Workflow wf = WorkflowLoader.parse(WORKFLOW.replace("DIRECTIVE", directive), "render-all.yaml", work, all);
        Scheduler s = Schedulers.forWorkflow(wf);
        JobScripts jobScripts = new JobScripts(wf, RUN, work.toString(), s.adapter());
        Map<String, String> scripts = new LinkedHashMap<>();
        for (Task t : wf.tasks()) {
            List<Integer> idx = indices.getOrDefault(t.name(),
                    IntStream.range(0, t.elementCount()).boxed().toList());
            scripts.put(t.name(), jobScripts.attempt(t, 1, idx, Map.of()).text());
        }
        return scripts;
    }

    private Map<String, String> render(String scheduler, String directive, String... sets) {
        return render(scheduler, directive, Map.of(), sets);
    }

    /** The lines between the #! line and the "#" line that starts the template's own comment. */
    private static List<String> header(String script) {
        List<String> lines = script.lines().toList();
        assertEquals("#!/bin/bash", lines.get(0));
        return lines.subList(1, lines.indexOf("#"));
    }

    @Test
    void slurm() {
        Map<String, String> s = render("slurm", "--exclusive");
        assertEquals(List.of(
                "#SBATCH --job-name=hwf-render-all-r1-simulate-1",
                "#SBATCH --nodes=2",
                "#SBATCH --ntasks=8",
                "#SBATCH --cpus-per-task=4",
                "#SBATCH --mem=16384M",
                "#SBATCH --time=0-02:00:00",
                "#SBATCH --partition=cpu",
                "#SBATCH --account=proj42",
                "#SBATCH --qos=normal",
                "#SBATCH --exclusive"), header(s.get("simulate")));
        assertEquals(List.of(
                "#SBATCH --job-name=hwf-render-all-r1-train-1",
                "#SBATCH --nodes=1",
                "#SBATCH --ntasks=1",
                "#SBATCH --cpus-per-task=1",
                "#SBATCH --partition=gpu",
                "#SBATCH --account=proj42",
                "#SBATCH --gres=gpu:1",
                "#SBATCH --array=0-7%4"), header(s.get("train")));
    }

    @Test
    void pbsProIsTheDefaultFlavour() {
        Map<String, String> s = render("pbs", "-m abe");
        assertEquals(List.of(
                "#PBS -N hwf-render-all-r1-simulate-1",
                "#PBS -S /bin/bash",
                "#PBS -l select=2:ncpus=16:mpiprocs=4:mem=16384mb",
                "#PBS -l place=scatter",
                "#PBS -l walltime=2:00:00",
                "#PBS -q cpu",
                "#PBS -A proj42",
                "# hwf: qos normal is not passed on: PBS has no quality of service",
                "#PBS -m abe"), header(s.get("simulate")));
        assertEquals(List.of(
                "#PBS -N hwf-render-all-r1-train-1",
                "#PBS -S /bin/bash",
                "#PBS -l select=1:ncpus=1:mpiprocs=1:ngpus=1",
                "#PBS -q gpu",
                "#PBS -A proj42",
                "#PBS -J 0-7%4",
                "#PBS -r y"), header(s.get("train")));
        assertEquals(s, render("pbs", "-m abe", "site.flavor=pbspro"));
    }

    @Test
    void torque() {
        Map<String, String> s = render("pbs", "-m abe", "site.flavor=torque");
        assertEquals(List.of(
                "#PBS -N hwf-render-all-r1-simulate-1",
                "#PBS -S /bin/bash",
                "#PBS -l nodes=2:ppn=16",
                "#PBS -l mem=32768mb",
                "#PBS -l walltime=2:00:00",
                "#PBS -q cpu",
                "#PBS -A proj42",
                "# hwf: qos normal is not passed on: PBS has no quality of service",
                "#PBS -m abe"), header(s.get("simulate")));
        assertEquals(List.of(
                "#PBS -N hwf-render-all-r1-train-1",
                "#PBS -S /bin/bash",
                "#PBS -l nodes=1:ppn=1:gpus=1",
                "#PBS -q gpu",
                "#PBS -A proj42",
                "#PBS -t 0-7%4"), header(s.get("train")));
    }

    @Test
    void lsf() {
        Map<String, String> s = render("lsf", "-x");
        assertEquals(List.of(
                "#BSUB -J \"hwf-render-all-r1-simulate-1\"",
                "#BSUB -n 32",
                "#BSUB -R \"span[ptile=16] rusage[mem=16384MB]\"",
                "#BSUB -W 2:00",
                "#BSUB -q cpu",
                "#BSUB -P proj42",
                "# hwf: qos normal is not passed on: LSF has no quality of service",
                "#BSUB -x"), header(s.get("simulate")));
        assertEquals(List.of(
                "#BSUB -J \"hwf-render-all-r1-train-1[1-8]%4\"",
                "#BSUB -n 1",
                "#BSUB -R \"span[hosts=1]\"",
                "#BSUB -q gpu",
                "#BSUB -P proj42",
                "#BSUB -gpu \"num=1\""), header(s.get("train")));
    }

    @Test
    void local() {
        Map<String, String> s = render("local", "--exclusive");
        assertEquals(List.of("# (the local scheduler reads no directives)"), header(s.get("simulate")));
        assertEquals(List.of("# (the local scheduler reads no directives)"), header(s.get("train")));
    }

    /**
     * The rendered array script run by bash as element 2, with the index variable each scheduler sets:
     * every one of them believes it is element 2 (LSF counts from 1, so LSF's 3).
     */
    @Test
    void everySchedulersElementTwoIsHwfsElementTwo() throws Exception {
        record Case(String scheduler, String flavor, String variable, String value) {
        }
        for (Case c : List.of(new Case("slurm", null, "SLURM_ARRAY_TASK_ID", "2"),
                new Case("pbs", "pbspro", "PBS_ARRAY_INDEX", "2"),
                new Case("pbs", "torque", "PBS_ARRAYID", "2"),
                new Case("pbs", "torque", "SLURM_ARRAY_TASK_ID", "2"), // Slurm's Torque wrappers
                new Case("lsf", null, "LSB_JOBINDEX", "3"),
                new Case("local", null, "HWF_LOCAL_INDEX", "2"))) {
            String what = c.scheduler() + (c.flavor() == null ? "" : "/" + c.flavor()) + " " + c.variable();
            Map<String, String> s = c.flavor() == null ? render(c.scheduler(), "-x")
                    : render(c.scheduler(), "-m abe", "site.flavor=" + c.flavor());
            Path dir = Files.createDirectories(work.resolve(RUN).resolve("train"));
            Path script = dir.resolve("job.1.sh");
            Files.writeString(script, s.get("train"));
            assertEquals(0, bash(work, Map.of(c.variable(), c.value()), "-n", script.toString()), what);
            assertEquals(0, bash(work, Map.of(c.variable(), c.value()), script.toString()), what);
            assertEquals("shard 2 of 8", Files.readString(dir.resolve("out.1.2.log")).strip(), what);
            assertEquals("0", Files.readString(dir.resolve("exit.1.2")).strip(), what);
            deleteTree(dir);
        }
    }

    @Test
    void plainJobsAreElementZeroEverywhere() throws Exception {
        for (String scheduler : List.of("slurm", "pbs", "lsf", "local")) {
            Map<String, String> s = render(scheduler, "-x");
            Path dir = Files.createDirectories(work.resolve(RUN).resolve("simulate"));
            String script = s.get("simulate").replace("mpirun ./sim", "echo \"element $HWF_ARRAY_INDEX\"");
            Files.writeString(dir.resolve("job.1.sh"), script);
            // LSF sets LSB_JOBINDEX=0 for a job that is not an array
            assertEquals(0, bash(work, Map.of("LSB_JOBINDEX", "0"), dir.resolve("job.1.sh").toString()), scheduler);
            assertEquals("element 0", Files.readString(dir.resolve("out.1.0.log")).strip(), scheduler);
            deleteTree(dir);
        }
    }

    /**
     * PBS Pro resubmits failed elements 2, 5 and 6 of an array as the range 2-6: elements 3 and 4 end
     * before they run or write anything. (2 and 5 alone would be the range 2-5:3, which starts only them.)
     */
    @Test
    void pbsProRunsOnlyTheElementsAskedForWhenItsRangeHoldsMore() throws Exception {
        assertTrue(header(render("pbs", "-m abe", Map.of("train", List.of(2, 5))).get("train")).contains(
                "#PBS -J 2-5:3%4"));
        Map<String, String> s = render("pbs", "-m abe", Map.of("train", List.of(2, 5, 6)));
        List<String> h = header(s.get("train"));
        assertTrue(h.contains("#PBS -J 2-6%4"), h.toString());
        assertTrue(s.get("train").contains("export HWF_ARRAY_ONLY=2:5-6\n"), s.get("train"));
        assertEquals(Map.of(2, true, 3, false, 4, false, 5, true, 6, true),
                runStarted("pbs", "pbspro", s.get("train"), 0, 8));
    }

    /**
     * An array larger than the site's array size limit goes out as several jobs, each at an offset (its
     * scheduler index 0 is element OFFSET); a retry or an element-wise release can land in such a
     * chunk with one element, or a sparse few. On every scheduler, each element the scheduler starts
     * for such a job runs its own element (the element index, offset included) or, where the
     * scheduler's array form starts more than was asked for, ends before it runs or writes anything:
     * exactly the wanted elements leave a log and an exit code file. (On PBS Pro the elements to run
     * were once given in the scheduler's numbering and compared with the element index, so every
     * element of an offset chunk ended at once, ran nothing, and PBS reported them exit 0.)
     */
    @Test
    void offsetChunksOneElementChunksAndSparseRetriesRunExactlyTheirElementsOnEveryScheduler() throws Exception {
        record Chunk(String what, List<Integer> elements, int offset) {
        }
        List<Chunk> chunks = List.of(new Chunk("the second chunk of 105 under an array size of 101",
                        List.of(101, 102, 103, 104), 101),
                new Chunk("a one-element last chunk", List.of(104), 104),
                new Chunk("a sparse retry in an offset chunk", List.of(100, 101, 103, 106), 100),
                new Chunk("a sparse retry in the first chunk", List.of(2, 5, 6), 0));
        for (String[] sched : new String[][] {{"slurm", null}, {"pbs", "pbspro"}, {"pbs", "torque"}, {"lsf", null}}) {
            for (Chunk c : chunks) {
                String what = sched[0] + (sched[1] == null ? "" : "/" + sched[1]) + ", " + c.what();
                List<String> sets = new ArrayList<>(List.of("tasks.train.array=110"));
                if (sched[1] != null) {
                    sets.add("site.flavor=" + sched[1]);
                }
                Workflow wf = WorkflowLoader.parse(WORKFLOW.replace("DIRECTIVE", "-x"), "render-all.yaml", work,
                        withScheduler(sched[0], sets));
                Scheduler s = Schedulers.forWorkflow(wf);
                String script = new JobScripts(wf, RUN, work.toString(), s.adapter())
                        .attempt(wf.task("train"), 1, c.elements(), Map.of(), c.offset()).text();
                Map<Integer, Boolean> ran = runStarted(sched[0], sched[1], script, c.offset(), 110);
                Map<Integer, Boolean> wanted = new java.util.TreeMap<>();
                ran.keySet().forEach(i -> wanted.put(i, c.elements().contains(i)));
                assertEquals(wanted, ran, what);
                assertTrue(ran.keySet().containsAll(c.elements()), what + ": the scheduler starts them all " + ran);
            }
        }
    }

    private List<String> withScheduler(String scheduler, List<String> sets) {
        List<String> all = new ArrayList<>(List.of("scheduler=" + scheduler, "site.workdir=" + work));
        all.addAll(sets);
        return all;
    }

    /**
     * Runs the rendered array script in bash once for each element the scheduler's own array line
     * starts, with that scheduler's index variable, and returns, by element index (scheduler index
     * plus offset), whether the element ran: its log holds the command's output and its exit code file
     * says 0. An element that did not run must have written nothing at all.
     */
    private Map<Integer, Boolean> runStarted(String scheduler, String flavor, String script, int offset, int size)
            throws Exception {
        Path dir = Files.createDirectories(work.resolve(RUN).resolve("train"));
        Path file = dir.resolve("job.1.sh");
        Files.writeString(file, script);
        Map<Integer, Boolean> ran = new java.util.TreeMap<>();
        for (int index : startedIndices(header(script))) {
            String variable = switch (scheduler) {
                case "slurm" -> "SLURM_ARRAY_TASK_ID";
                case "lsf" -> "LSB_JOBINDEX";
                default -> "torque".equals(flavor) ? "PBS_ARRAYID" : "PBS_ARRAY_INDEX";
            };
            int value = "lsf".equals(scheduler) ? index + 1 : index;
            Map<String, String> env = new LinkedHashMap<>(Map.of(variable, Integer.toString(value)));
            for (String line : header(script)) { // variables the header hands the job, as qsub -v does
                if (line.startsWith("#PBS -v ")) {
                    for (String pair : line.substring(8).split(",")) {
                        env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
                    }
                }
            }
            assertEquals(0, bash(work, env, file.toString()), scheduler + " index " + index);
            int element = index + offset;
            Path log = dir.resolve("out.1." + element + ".log");
            Path exit = dir.resolve("exit.1." + element);
            boolean did = Files.exists(exit);
            if (did) {
                assertEquals("0", Files.readString(exit).strip());
                assertEquals("shard " + element + " of " + size, Files.readString(log).strip());
            } else {
                try (var left = Files.list(dir)) {
                    assertEquals(List.of("job.1.sh"), left.map(p -> p.getFileName().toString()).toList(),
                            "element " + element + " ended early but wrote something");
                }
            }
            ran.put(element, did);
            try (var left = Files.list(dir)) {
                for (Path p : left.toList()) {
                    if (!p.equals(file)) {
                        Files.delete(p);
                    }
                }
            }
        }
        deleteTree(dir);
        return ran;
    }

    /** The scheduler indices an array header starts: Slurm's --array, PBS's -J range or -t list, LSF's -J. */
    private static List<Integer> startedIndices(List<String> header) {
        for (String line : header) {
            String spec = null;
            if (line.startsWith("#SBATCH --array=")) {
                spec = line.substring("#SBATCH --array=".length());
            } else if (line.startsWith("#PBS -J ") || line.startsWith("#PBS -t ")) {
                spec = line.substring(8);
            } else if (line.startsWith("#BSUB -J ")) {
                spec = line.substring(line.indexOf('[') + 1, line.indexOf(']'));
            }
            if (spec == null) {
                continue;
            }
            spec = spec.replaceAll("%\\d+$", "");
            List<Integer> out = new ArrayList<>();
            for (String part : spec.split(",")) {
                String[] stepped = part.split(":");
                String[] range = stepped[0].split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                int step = stepped.length > 1 ? Integer.parseInt(stepped[1]) : 1;
                for (int i = from; i <= to; i += step) {
                    out.add(line.startsWith("#BSUB") ? i - 1 : i);
                }
            }
            return out;
        }
        throw new AssertionError("no array line in " + header);
    }

    private static int bash(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("bash"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        for (String v : List.of("HWF_LOCAL_INDEX", "SLURM_ARRAY_TASK_ID", "PBS_ARRAY_INDEX", "PBS_ARRAYID",
                "LSB_JOBINDEX", "HWF_ARRAY_ONLY")) {
            pb.environment().remove(v);
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "bash did not finish");
            if (p.exitValue() != 0) {
                System.err.println(out);
            }
            return p.exitValue();
        } finally {
            p.destroyForcibly();
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
