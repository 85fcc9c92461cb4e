package dev.hwf.launcher.report;

import dev.hwf.launcher.workflow.Task;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A task's software environment as {@code status --json} and the report show it:
 * {@code "modules": [...]} and {@code "container": {"image", "engine", "binds"}}, each only when
 * the task has it (setup lines are the user's code and are not repeated).
 */
public final class SoftwareJson {
    private SoftwareJson() {
    }

    /** The keys to add to a task's object; none for a task without modules or container. */
    public static Map<String, Object> of(Task.Software sw) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (sw == null) {
            return out;
        }
        if (!sw.modules().isEmpty()) {
            out.put("modules", sw.modules());
        }
        Task.Container c = sw.container();
        if (c != null) {
            Map<String, Object> box = new LinkedHashMap<>();
            box.put("image", c.image());
            box.put("engine", c.engine());
            box.put("binds", c.binds());
            out.put("container", box);
        }
        return out;
    }

    /** One line for people: " · modules gcc/12, cuda/12.2 · apptainer IMAGE"; empty when there is nothing. */
    public static String text(Task.Software sw) {
        if (sw == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        if (!sw.modules().isEmpty()) {
            sb.append(" · modules ").append(String.join(", ", sw.modules()));
        }
        if (sw.container() != null) {
            sb.append(" · ").append(sw.container().engine()).append(' ').append(sw.container().image());
        }
        return sb.toString();
    }
}
