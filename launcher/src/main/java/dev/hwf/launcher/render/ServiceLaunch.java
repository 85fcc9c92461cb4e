package dev.hwf.launcher.render;

import dev.hwf.api.SchedulerAdapter;
import dev.hwf.api.ShellQuote;
import dev.hwf.launcher.exec.TaskDir;
import dev.hwf.launcher.workflow.Task;
import java.util.Map;
import java.util.Set;

/**
 * What a service task's job script adds to its command, and what its dependants' scripts add to
 * theirs. A service's command runs in the background; the job then runs the readiness check once
 * a second until it passes and writes {@code ready.<attempt>.<index>} (host:port) beside the exit
 * code files: hwf reads it, records the endpoint and submits the dependants with
 * {@code HWF_SERVICE_<NAME>_URL} in their environment. The job ends when the command ends, or
 * when hwf cancels it after the last dependant has ended.
 */
final class ServiceLaunch {
    private ServiceLaunch() {
    }

    /**
     * HWF_SERVICE_HOST and HWF_SERVICE_PORT for the service's own job: where the scheduler's adapter
     * says the run's other jobs reach the node it runs on (its host name; the loopback address on the
     * local scheduler, where every task shares the machine), which is where the service should listen
     * and where its dependants will find it.
     */
    static String exports(Task task, SchedulerAdapter adapter) {
        return "export HWF_SERVICE_HOST=\"" + adapter.serviceHostExpression() + "\"\n"
                + "export HWF_SERVICE_PORT=" + task.service().port() + "\n";
    }

    /** The endpoints of the services a task names in after, as far as they are known yet. */
    static String dependantExports(Task task, Map<String, String> serviceUrls, Set<String> services) {
        StringBuilder sb = new StringBuilder();
        for (String up : task.after()) {
            if (!services.contains(up)) {
                continue;
            }
            String var = Task.serviceUrlVariable(up);
            String url = serviceUrls.get(up);
            if (url == null) {
                sb.append("# ").append(var).append(" is set here once service ").append(up)
                        .append(" is ready: hwf renders this script again before submitting it\n");
            } else {
                sb.append("export ").append(var).append('=').append(ShellQuote.quote(url)).append('\n');
            }
        }
        return sb.toString();
    }

    /** Seconds one run of the readiness check may take before it counts as not ready yet. */
    static final int READY_TIMEOUT_S = 60;

    /** The command of a service, with the readiness check and the ready file around it. */
    static String wrap(Task task, String command) {
        String check = task.service().ready() != null ? task.service().ready()
                : "timeout 5 bash -c 'exec 3<>\"/dev/tcp/$HWF_SERVICE_HOST/$HWF_SERVICE_PORT\"'";
        return "# service: the command runs in the background; once the readiness check passes, the\n"
                + "# ready file tells hwf where it answers and its dependants are submitted\n"
                + "(\n" + command.stripTrailing() + "\n) &\n"
                + "hwf_service=$!\n"
                + "trap 'kill -TERM \"$hwf_service\" 2>/dev/null' TERM INT\n"
                + "# the check runs in its own bash, at most " + READY_TIMEOUT_S + " s a time, so one that hangs is tried again\n"
                + "hwf_ready() {\n    timeout " + READY_TIMEOUT_S + " bash -c " + ShellQuote.quote(check.stripTrailing()) + "\n}\n"
                + "hwf_ready_file=\"" + TaskDir.ready(TaskDir.SCRIPT_TAG) + "\"\n"
                + "while kill -0 \"$hwf_service\" 2>/dev/null; do\n"
                + "    if (hwf_ready) </dev/null >/dev/null 2>&1; then\n"
                + "        (umask \"${hwf_own_umask:-077}\" && printf '%s:%s\\n' \"$HWF_SERVICE_HOST\" \"$HWF_SERVICE_PORT\""
                + " >\"$hwf_ready_file.tmp\") \\\n"
                + "            && mv -f \"$hwf_ready_file.tmp\" \"$hwf_ready_file\"\n"
                + "        echo \"hwf: service ready at $HWF_SERVICE_HOST:$HWF_SERVICE_PORT\" >&2\n"
                + "        break\n"
                + "    fi\n"
                + "    sleep 1\n"
                + "done\n"
                + "while :; do\n"
                + "    wait \"$hwf_service\"; hwf_service_code=$?\n"
                + "    kill -0 \"$hwf_service\" 2>/dev/null || break\n"
                + "done\n"
                + "exit \"$hwf_service_code\"";
    }
}
