package dev.hwf.launcher.engine;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the phases need to know of service tasks and the tasks that use them. */
public final class Services {
    /** The reason a service ends SUCCEEDED with once hwf has stopped it. */
    public static final String STOPPED = "stopped by hwf: its dependants ended";
    /** The reason of a service stopped, or never started, because nothing needs it any more. */
    public static final String NOT_NEEDED = "not needed: its dependants ended";

    private Services() {
    }

    /** The tasks that name {@code service} in after. */
    public static List<Task> dependants(Workflow wf, String service) {
        return wf.tasks().stream().filter(t -> t.after().contains(service)).toList();
    }

    /** Whether every element of every task that names the service in after has ended. */
    public static boolean dependantsEnded(RunSnapshot snap, Workflow wf, String service) {
        return dependants(wf, service).stream().allMatch(d -> snap.task(d.name()).state().isFinal());
    }

    /** host:port of each service the task names in after that is ready now, by the service's name. */
    public static Map<String, String> readyUrls(Pass pass, Task task) {
        Map<String, String> urls = new HashMap<>();
        for (String up : task.after()) {
            if (pass.wf().task(up).isService() && readyEndpoint(pass.snap(), up) != null) {
                urls.put(up, readyEndpoint(pass.snap(), up));
            }
        }
        return urls;
    }

    /** host:port of a service task's current attempt once it is ready and running, else null. */
    public static String readyEndpoint(RunSnapshot snap, String service) {
        TaskRecord t = snap.task(service);
        if (t.state() != JobState.RUNNING) {
            return null;
        }
        return snap.endpoint(service);
    }
}
