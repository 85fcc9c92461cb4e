package dev.hwf.launcher.workflow;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import java.util.List;
import java.util.stream.Collectors;

/** A workflow file is not valid; carries every problem found in it (exit code 2). */
public class WorkflowException extends HwfException {
    private final List<Problem> problems;

    public WorkflowException(List<Problem> problems) {
        super(ExitCodes.BAD_INPUT, format(problems));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String format(List<Problem> problems) {
        String head = problems.size() == 1 ? "1 error" : problems.size() + " errors";
        return head + " in workflow; nothing was submitted:\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }
}
