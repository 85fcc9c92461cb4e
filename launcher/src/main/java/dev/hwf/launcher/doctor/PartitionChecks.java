package dev.hwf.launcher.doctor;

import dev.hwf.launcher.workflow.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The partitions (queues) a site has against those the workflow asks for: the list itself, each
 * task's partition that the site lacks or that does not start jobs, and the site's
 * {@code gpuPartition}.
 */
final class PartitionChecks {
    private PartitionChecks() {
    }

    /**
     * @param word         "partition" or "queue"
     * @param tasks        the tasks that may run on the site
     * @param gpuPartition the site's {@code gpuPartition}, or null
     */
    static List<Check> of(String word, List<Partition> partitions, List<Task> tasks, String gpuPartition) {
        Map<String, Partition> byName = new LinkedHashMap<>();
        partitions.forEach(p -> byName.put(p.name(), p));
        List<Check> checks = new ArrayList<>();
        String all = partitions.stream().map(Partition::shown).collect(Collectors.joining(", "));
        List<String> down = partitions.stream().filter(p -> !p.up()).map(Partition::name).toList();
        checks.add(down.isEmpty() ? Check.ok("partitions", all)
                : Check.warn("partitions", all, "jobs sent to " + String.join(", ", down) + " wait until the "
                + "administrators start it again; send tasks elsewhere meanwhile"));
        String names = String.join(", ", byName.keySet());
        for (Task t : tasks) {
            String p = t.partition();
            if (p == null) {
                continue;
            }
            Partition found = byName.get(p);
            if (found == null) {
                checks.add(Check.fail("taskPartition", "task " + t.name() + " asks for " + word + " " + p
                        + ", which this site does not have (it has " + names + ")",
                        "set task " + t.name() + "'s " + word + " to one of " + names + ", or remove it to use the default"));
            } else if (t.gpus() > 0 && found.gpus() != null && found.gpus() == 0) {
                checks.add(Check.fail("taskPartition", "task " + t.name() + " asks for " + t.gpus() + " GPU(s) in "
                        + word + " " + p + ", whose nodes have none", "send task " + t.name() + " to a " + word
                        + " with GPUs" + withGpus(partitions)));
            }
        }
        if (gpuPartition != null) {
            Partition g = byName.get(gpuPartition);
            if (g == null) {
                checks.add(Check.fail("gpuPartition", "site.gpuPartition " + gpuPartition + " is no " + word + " of this "
                        + "site (it has " + names + ")", "set site.gpuPartition to a " + word + " with GPUs"
                        + withGpus(partitions)));
            } else if (g.gpus() != null && g.gpus() == 0) {
                checks.add(Check.warn("gpuPartition", "site.gpuPartition " + gpuPartition + " has no GPUs on its nodes",
                        "GPU tasks sent there will wait or be refused; set site.gpuPartition to a " + word + " with GPUs"
                                + withGpus(partitions)));
            } else {
                checks.add(Check.ok("gpuPartition", gpuPartition + (g.gpus() == null ? " (its GPUs are not listed "
                        + "per " + word + " here)" : ": " + g.gpus() + " GPU(s)")));
            }
        }
        return checks;
    }

    /** " (a, b)": the partitions that have GPUs, or nothing when none is known to. */
    private static String withGpus(List<Partition> partitions) {
        List<String> names = partitions.stream().filter(p -> p.gpus() != null && p.gpus() > 0).map(Partition::name)
                .toList();
        return names.isEmpty() ? "" : " (" + String.join(", ", names) + ")";
    }
}
