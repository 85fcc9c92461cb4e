package dev.hwf.launcher.workflow.rules;

import java.util.regex.Pattern;

/** How the names a workflow gives must be spelt, and the rule a message gives when one is not. */
public final class Names {
    /** Workflow and task names. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    public static final String NAME_RULE =
            "use 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit";
    /** Partitions, queues, accounts and qos. */
    // No leading '-': these values land on submit command lines (qsub -q X) and must not read as options.
    public static final Pattern SCHED_WORD = Pattern.compile("[A-Za-z0-9_.,:+@][A-Za-z0-9_.,:+@-]*");
    public static final String SCHED_WORD_RULE = "use letters, digits and _ . , : + @ - (not first)";
    /** Environment variables and sweep parameters. */
    public static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Names() {
    }
}
