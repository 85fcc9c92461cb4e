package dev.hwf.launcher.workflow.rules;

import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.YamlTree.Node;
import java.util.List;
import java.util.Map;

/**
 * The settings one map (defaults, a task or the pilot) gives; null fields were not given, or
 * were wrong, which is reported. The nodes are kept where a rule across keys reports on them.
 */
public final class Settings {
    Integer nodes;
    Integer ntasks;
    Integer cpus;
    Integer retries;
    Integer gpus;
    Integer array;
    Integer arrayLimit;
    Long memoryMb;
    Long walltime;
    String partition;
    String account;
    String qos;
    String template;
    Map<String, String> env;
    Map<String, String> secrets;
    List<String> directives;
    Map<String, List<String>> matrix;
    String launcher;
    Node launcherNode;
    Node commandNode;
    Task.Service service;
    Node serviceNode;
    boolean pilot;
    Node pilotNode;
    SoftwareRules.Given software = SoftwareRules.Given.NOTHING;

    /** How many elements the task has: its matrix's combinations or its array's size; 0 for one job. */
    int elements() {
        if (matrix != null) {
            return Task.sweepSize(matrix);
        }
        return array == null ? 0 : array;
    }
}
