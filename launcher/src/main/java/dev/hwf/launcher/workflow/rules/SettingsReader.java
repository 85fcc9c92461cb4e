package dev.hwf.launcher.workflow.rules;

import static dev.hwf.launcher.workflow.rules.FieldReader.absent;
import static dev.hwf.launcher.workflow.rules.FieldReader.join;

import dev.hwf.launcher.workflow.YamlTree.ListNode;
import dev.hwf.launcher.workflow.YamlTree.MapNode;
import dev.hwf.launcher.workflow.YamlTree.Node;
import java.util.ArrayList;
import java.util.List;

/** Reads the keys that defaults, tasks and the pilot share: the resources, placement, env and directives. */
final class SettingsReader {
    private final FieldReader read;
    private final EnvRules env;

    SettingsReader(FieldReader read) {
        this.read = read;
        this.env = new EnvRules(read);
    }

    void read(MapNode m, String path, Settings f) {
        f.nodes = read.integer(m.value("nodes"), join(path, "nodes"), 1);
        f.ntasks = read.integer(m.value("ntasks"), join(path, "ntasks"), 1);
        f.cpus = read.integer(m.value("cpus"), join(path, "cpus"), 1);
        f.retries = read.integer(m.value("retries"), join(path, "retries"), 0);
        f.gpus = read.integer(m.value("gpus"), join(path, "gpus"), 0);
        f.memoryMb = read.megabytes(m.value("memory"), join(path, "memory"));
        f.walltime = read.seconds(m.value("walltime"), join(path, "walltime"));

        Node partition = m.value("partition");
        Node queue = m.value("queue");
        if (!absent(partition) && !absent(queue)) {
            read.at(queue, join(path, "queue"), "partition and queue are the same setting; give only one");
        } else {
            String key = absent(queue) ? "partition" : "queue";
            f.partition = read.matching(absent(queue) ? partition : queue, join(path, key), Names.SCHED_WORD,
                    Names.SCHED_WORD_RULE, key + " name");
        }
        f.account = read.matching(m.value("account"), join(path, "account"), Names.SCHED_WORD,
                Names.SCHED_WORD_RULE, "account name");
        f.qos = read.matching(m.value("qos"), join(path, "qos"), Names.SCHED_WORD, Names.SCHED_WORD_RULE,
                "qos name");
        env.read(m.value("env"), join(path, "env"), f);
        f.directives = directives(m.value("directives"), join(path, "directives"));
    }

    private List<String> directives(Node node, String path) {
        ListNode l = read.list(node, path, "a list of scheduler options, e.g. [\"--exclusive\"]");
        if (l == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        read.eachItem(l, path, "a directive must not be empty", (item, key) -> {
            String v = read.oneLine(item, key, "a directive");
            if (v != null) {
                out.add(v);
            }
        });
        return out;
    }
}
