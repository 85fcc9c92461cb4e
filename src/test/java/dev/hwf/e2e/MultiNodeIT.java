package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed jobs for real across the nodes of the realistic test cluster (three slurmd on this
 * host, src/test/cluster/up-realistic.sh; the node names resolve to loopback), through bin/hwf, with
 * Debian's PyTorch 1.13 (CPU, gloo) and Open MPI 4 with mpi4py:
 * <ul>
 *   <li>a tiny DDP training over 2 nodes × 2 processes through {@code launcher: srun}: every rank
 *       ends with the same trained weights (checked here, not only the exit code), and the ranks
 *       ran on two different nodes;</li>
 *   <li>an mpi4py program over 2 nodes through {@code launcher: mpirun}: the world size and ranks
 *       are right and spread over both nodes.</li>
 * </ul>
 */
class MultiNodeIT {
    private static final String PYTHON = "/usr/bin/python3"; // Debian's, which has torch and mpi4py

    /** 20 steps of SGD on a fixed problem; DDP all-reduces the gradients, so every rank's weights agree. */
    private static final String DDP = """
            import os, socket, sys
            import torch, torch.distributed as dist
            import time
            rank, world = int(os.environ["SLURM_PROCID"]), int(os.environ["WORLD_SIZE"])
            partner = os.environ.get("PARTNER")  # a sweep: both elements' stores must be up at once
            if partner:
                open(f"here.{os.environ['HWF_ARRAY_INDEX']}.{rank}", "w").close()
                deadline = time.time() + 120
                while not os.path.exists(partner) and time.time() < deadline:
                    time.sleep(0.2)
            dist.init_process_group("gloo", init_method="env://", rank=rank, world_size=world)
            if partner:
                dist.barrier(); time.sleep(2); dist.barrier()  # hold the port while the other element runs
            torch.manual_seed(rank)  # different data on every rank
            model = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(4, 1))
            opt = torch.optim.SGD(model.parameters(), lr=0.1)
            for _ in range(20):
                x = torch.randn(8, 4)
                loss = ((model(x) - x.sum(1, keepdim=True)) ** 2).mean()
                opt.zero_grad(); loss.backward(); opt.step()
            w = [round(v, 6) for v in torch.cat([p.detach().flatten() for p in model.parameters()]).tolist()]
            with open(f"rank.{os.environ.get('HWF_ARRAY_INDEX', '0')}.{rank}", "w") as f:
                f.write(f"{socket.gethostname()} {world} {os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']} {w}\\n")
            dist.destroy_process_group()
            """;

    private static final String MPI = """
            import os
            from mpi4py import MPI
            c = MPI.COMM_WORLD
            names = c.allgather(os.environ.get("SLURMD_NODENAME", "?"))
            with open(f"mpi.{c.Get_rank()}", "w") as f:
                f.write(f"{c.Get_rank()} {c.Get_size()} {names[c.Get_rank()]}\\n")
            """;

    @TempDir
    Path scratch;

    Hwf hwf;
    Path work;

    @BeforeEach
    void setUp() throws Exception {
        assertTrue(Files.isRegularFile(RealisticSlurmIT.CONF), "the realistic test cluster is not up: run "
                + "src/test/cluster/up-realistic.sh (bin/test does)");
        hwf = new Hwf(scratch, "1");
        hwf.env.put("SLURM_CONF", RealisticSlurmIT.CONF.toString());
        work = scratch.resolve("work");
        Files.writeString(scratch.resolve("ddp.py"), DDP);
        Files.writeString(scratch.resolve("hello_mpi.py"), MPI);
    }

    private List<String> lines(Path dir, String prefix) throws Exception {
        List<String> out = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList()) {
                out.addAll(Files.readAllLines(p));
            }
        }
        return out;
    }

    @Test
    void ddpOverTwoNodesThroughSrunEndsWithTheSameWeightsOnEveryRank() throws Exception {
        Path wf = hwf.workflow("ddp.yaml", """
                name: ddp
                scheduler: slurm
                site: { workdir: "%s" }
                tasks:
                  - name: train
                    launcher: srun
                    nodes: 2
                    ntasks: 4
                    memory: 1500M
                    walltime: "00:10:00"
                    env: { OMP_NUM_THREADS: "1" }
                    command: %s %s
                """.formatted(work, PYTHON, scratch.resolve("ddp.py")));
        Hwf.Result r = hwf.run("submit", wf.toString());
        assertEquals(0, r.code(), r.all());
        List<String> ranks = lines(work.resolve(Hwf.runId(r)).resolve("train"), "rank.");
        assertEquals(4, ranks.size(), ranks.toString());
        Set<String> weights = new TreeSet<>();
        Set<String> nodes = new TreeSet<>();
        for (String line : ranks) {
            String[] f = line.split(" ", 4);
            nodes.add(f[0]);
            assertEquals("4", f[1], "world size");
            assertTrue(f[2].startsWith("n1:"), "the rendezvous on the first node, by its name: " + line);
            weights.add(f[3]);
        }
        assertEquals(1, weights.size(), "all ranks agree on the all-reduced weights: " + ranks);
        assertEquals(Set.of("n1", "n2"), nodes, "ranks on two hosts, each with its own name: " + ranks);
    }

    /** A sweep of two 2-node DDP elements on the same two nodes at once: each rendezvous has its own port. */
    @Test
    void aSweepOfTwoNodeTrainingsOnTheSameNodesDoesNotCollideOnThePort() throws Exception {
        Path wf = hwf.workflow("sweep.yaml", """
                name: ddp-sweep
                scheduler: slurm
                site: { workdir: "%s" }
                tasks:
                  - name: train
                    launcher: srun
                    nodes: 2
                    ntasks: 2
                    memory: 700M
                    walltime: "00:10:00"
                    matrix: { lr: ["0.1", "0.01"] }
                    directives: ["--nodelist=n1,n2"]
                    env: { OMP_NUM_THREADS: "1" }
                    command: env PARTNER=here.$((1 - HWF_ARRAY_INDEX)).0 %s %s
                """.formatted(work, PYTHON, scratch.resolve("ddp.py")));
        Hwf.Result r = hwf.run("submit", wf.toString());
        assertEquals(0, r.code(), r.all());
        List<String> ranks = lines(work.resolve(Hwf.runId(r)).resolve("train"), "rank.");
        assertEquals(4, ranks.size(), ranks.toString());
        Set<String> endpoints = new TreeSet<>();
        ranks.forEach(l -> endpoints.add(l.split(" ")[2]));
        assertEquals(2, endpoints.size(), "one rendezvous port per element, both on n1: " + ranks);
    }

    /**
     * The model service on one node; the simulation elements, on the other nodes, reach it by that
     * node's name.
     */
    @Test
    void aServiceOnOneNodeIsReachedFromTheOthersByItsName() throws Exception {
        Path wf = hwf.workflow("svc.yaml", """
                name: svc
                scheduler: slurm
                site: { workdir: "%s" }
                tasks:
                  - name: model
                    service: true
                    port: 18790
                    directives: ["--nodelist=n1"]
                    command: exec %s -m http.server "$HWF_SERVICE_PORT" --bind "$HWF_SERVICE_HOST"
                  - name: simulate
                    after: [model]
                    array: 2
                    directives: ["--exclude=n1"]
                    command: |
                      %s -c 'import os, socket, urllib.request
                      u = os.environ["HWF_SERVICE_MODEL_URL"]
                      print(socket.gethostname(), u, urllib.request.urlopen("http://" + u + "/").status)'
                """.formatted(work, PYTHON, PYTHON));
        Hwf.Result r = hwf.run("submit", wf.toString());
        assertEquals(0, r.code(), r.all());
        Path sim = work.resolve(Hwf.runId(r)).resolve("simulate");
        for (int i = 0; i < 2; i++) {
            String[] f = Files.readString(sim.resolve("out.1." + i + ".log")).strip().split(" ");
            assertTrue(!f[0].equals("n1") && f[1].equals("n1:18790") && f[2].equals("200"),
                    "element " + i + " on another node reached the service at n1 by name: " + String.join(" ", f));
        }
    }

    @Test
    void mpi4pyOverTwoNodesThroughMpirunHasTheRightWorldAndRanks() throws Exception {
        Path wf = hwf.workflow("mpi.yaml", """
                name: mpi
                scheduler: slurm
                site: { workdir: "%s" }
                tasks:
                  - name: hello
                    launcher: mpirun
                    nodes: 2
                    ntasks: 4
                    memory: 500M
                    walltime: "00:10:00"
                    # the tests run as root, which Open MPI refuses unless told
                    env: { OMPI_ALLOW_RUN_AS_ROOT: "1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: "1" }
                    command: %s %s
                """.formatted(work, PYTHON, scratch.resolve("hello_mpi.py")));
        Hwf.Result r = hwf.run("submit", wf.toString());
        assertEquals(0, r.code(), r.all());
        List<String> lines = lines(work.resolve(Hwf.runId(r)).resolve("hello"), "mpi.");
        assertEquals(List.of("0 4", "1 4", "2 4", "3 4"), lines.stream().map(l -> l.substring(0, l.lastIndexOf(' ')))
                .toList(), lines.toString());
        assertEquals(2, lines.stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).distinct().count(),
                "ranks spread over both nodes: " + lines);
    }
}
