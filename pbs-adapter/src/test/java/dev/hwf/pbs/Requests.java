package dev.hwf.pbs;

import dev.hwf.api.JobRequest;
import java.util.List;
import java.util.Map;

/** The two tasks a user checks first: a multi-node MPI simulation and a GPU training array. */
final class Requests {
    private Requests() {
    }

    /** 2 nodes, 8 processes of 4 cores, 16 GiB per node, 2 h, queue cpu, account proj42, qos normal. */
    static JobRequest mpiTask() {
        return new JobRequest("hwf-r1-simulate-1", "/scratch/alice/hwf/r1/simulate", 2, 8, 4, 16_384, 2 * 3600,
                "cpu", "proj42", "normal", 0, List.of(), 0, List.of("-l place=scatter:excl"), Map.of());
    }

    /** One GPU per element, the given indices, at most {@code limit} at once, queue gpu. */
    static JobRequest gpuArray(List<Integer> indices, int limit) {
        return new JobRequest("hwf-r1-train-1", "/scratch/alice/hwf/r1/train", 1, 1, 1, 0, 0, "gpu", null, null, 1,
                indices, limit, List.of(), Map.of());
    }

    static JobRequest plain(String name, String dir, int nodes, int ntasks, int cpus) {
        return new JobRequest(name, dir, nodes, ntasks, cpus, 0, 0, null, null, null, 0, List.of(), 0, List.of(),
                Map.of());
    }

    static List<Integer> range(int n) {
        return java.util.stream.IntStream.range(0, n).boxed().toList();
    }
}
