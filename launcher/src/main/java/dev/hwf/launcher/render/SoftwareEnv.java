package dev.hwf.launcher.render;

import dev.hwf.api.ShellQuote;
import dev.hwf.launcher.exec.TaskDir;
import dev.hwf.launcher.workflow.Task;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What a task's {@code modules}, {@code setup} and {@code container} add to its command (SPEC
 * section 6). Modules are loaded and setup runs in the job's shell, after hwf's exports and before
 * the command (or its launch line); the container runs the command itself, inside each rank of a
 * launch line. A module that cannot be loaded, or setup that fails, ends the element before its
 * command runs and leaves {@code reason.ATTEMPT.INDEX} beside the exit code file, which hwf reads
 * as the element's reason ({@code module gcc/12 not loaded}, {@code setup failed (exit 2)}).
 *
 * <p>Module names, images and binds are quoted (and validated); setup is the user's own shell
 * code, like the command.
 */
public final class SoftwareEnv {
    /**
     * Where the {@code module} command is defined when a batch shell lacks it: Lmod's and
     * Environment Modules' bash init files, as sites and Debian install them.
     */
    static final List<String> MODULE_INITS = List.of("\"${LMOD_PKG:-/usr/share/lmod/lmod}/init/bash\"",
            "/usr/share/lmod/lmod/init/bash", "/etc/profile.d/lmod.sh", "/opt/apps/lmod/lmod/init/bash",
            "\"${MODULESHOME:-/usr/share/modules}/init/bash\"", "/usr/share/modules/init/bash",
            "/etc/profile.d/modules.sh");

    /** Variables a podman container is given besides the task's env and sweep parameters (names, or prefixes*). */
    static final List<String> PODMAN_ENV = List.of("HWF_*", "MASTER_ADDR", "MASTER_PORT", "WORLD_SIZE",
            "RANK", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "GROUP_RANK", "ROLE_RANK", "TORCHELASTIC_*", "SLURM_*",
            "OMPI_*", "PMI_*", "PMIX_*", "CUDA_VISIBLE_DEVICES");

    private SoftwareEnv() {
    }

    /**
     * {@code hwf_reason TEXT}: why the element ended before its command, written whole to
     * {@code reason.ATTEMPT.INDEX} beside its exit code file (hwf reads its first line) and to stderr.
     */
    static final String REASON_FUNCTION = "hwf_reason() {\n"
            + "    hwf_reason_file=\"" + TaskDir.reason(TaskDir.SCRIPT_TAG) + "\"\n"
            + "    (umask \"${hwf_own_umask:-077}\" && printf '%s\\n' \"$1\" >\"$hwf_reason_file.tmp\")"
            + " && mv -f \"$hwf_reason_file.tmp\" \"$hwf_reason_file\"\n"
            + "    echo \"hwf: $1\" >&2\n"
            + "}\n";

    /** The lines before the command: the modules loaded, then setup; empty for a task with neither. */
    public static String prelude(Task task) {
        Task.Software sw = task.software();
        if (sw.modules().isEmpty() && sw.setup() == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# software environment: a failure here ends the element before its command runs, with the\n")
                .append("# reason in reason.ATTEMPT.INDEX beside the exit code file\n")
                .append(REASON_FUNCTION);
        if (!sw.modules().isEmpty()) {
            sb.append("# modules: the module command from the site's Lmod or Environment Modules\n")
                    .append("if ! declare -F module >/dev/null; then\n")
                    .append("    for hwf_init in ").append(String.join(" ", MODULE_INITS)).append("; do\n")
                    .append("        if [ -r \"$hwf_init\" ]; then . \"$hwf_init\" >/dev/null 2>&1; break; fi\n")
                    .append("    done\n")
                    .append("fi\n");
            sb.append("declare -F module >/dev/null || { hwf_reason ")
                    .append(ShellQuote.quote("module " + sw.modules().get(0) + " not loaded: no module command"
                            + " (Lmod or Environment Modules) on this node"))
                    .append("; exit 1; }\n");
            for (String m : sw.modules()) {
                sb.append("module load ").append(ShellQuote.quote(m)).append(" || { hwf_reason ")
                        .append(ShellQuote.quote("module " + m + " not loaded")).append("; exit 1; }\n");
            }
        }
        if (sw.setup() != null) {
            sb.append("# setup: the task's own lines; the first that fails ends the element (as under set -e),\n")
                    .append("# and so does an exit with a code other than 0\n")
                    .append("trap 'exit $?' ERR\n")
                    .append("trap 'hwf_setup_code=$?; trap - EXIT; [ \"$hwf_setup_code\" = 0 ]"
                            + " || hwf_reason \"setup failed (exit $hwf_setup_code)\"' EXIT\n")
                    .append(sw.setup().stripTrailing()).append('\n')
                    .append("trap - ERR EXIT\n");
        }
        return sb.toString();
    }

    /**
     * The command as one rank runs it: unchanged without a container; else the engine's line
     * that runs it in the image with bash (the image must have bash).
     */
    static String inContainer(Task task, String taskDir, String command) {
        List<String> words = containerWords(task, taskDir);
        return words.isEmpty() ? command : String.join(" ", words) + " bash -c " + ShellQuote.quote(command);
    }

    /**
     * The engine's words up to and including the image, or none without a container. Apptainer and
     * Singularity: {@code exec}, the task directory and work directory bound, {@code --pwd} the
     * task directory, {@code --nv} for a GPU task; they pass the job's environment in themselves.
     * Podman: {@code run --rm} with the same volumes and working directory, the host's network (for
     * services and rendezvous), {@code --device nvidia.com/gpu=all} for a GPU task, and the job's
     * variables that concern the command passed in by name.
     */
    static List<String> containerWords(Task task, String taskDir) {
        Task.Container c = task.software().container();
        if (c == null) {
            return List.of();
        }
        List<String> dirs = new ArrayList<>();
        dirs.add(taskDir);
        String workdir = parent(parent(taskDir)); // <workdir>/<run>/<task>
        if (workdir != null && !workdir.equals("/")) {
            dirs.add(workdir);
        }
        List<String> w = new ArrayList<>();
        if ("podman".equals(c.engine())) {
            w.add("podman run --rm --network=host");
            dirs.forEach(d -> w.add("--volume " + ShellQuote.quote(d + ":" + d)));
            c.binds().forEach(b -> w.add("--volume " + ShellQuote.quote(b)));
            w.add("--workdir " + ShellQuote.quote(taskDir));
            if (task.isGpu()) {
                w.add("--device nvidia.com/gpu=all");
            }
            List<String> names = new ArrayList<>(PODMAN_ENV);
            names.addAll(task.env().keySet());
            names.addAll(task.secrets().keySet()); // by name: the value stays in the job's environment
            names.addAll(task.matrix().keySet());
            new LinkedHashSet<>(names).forEach(n -> w.add("--env " + ShellQuote.quote(n)));
        } else {
            w.add(c.engine() + " exec");
            dirs.forEach(d -> w.add("--bind " + ShellQuote.quote(d)));
            c.binds().forEach(b -> w.add("--bind " + ShellQuote.quote(b)));
            w.add("--pwd " + ShellQuote.quote(taskDir));
            if (task.isGpu()) {
                w.add("--nv");
            }
        }
        w.add(ShellQuote.quote(c.image()));
        return w;
    }

    private static String parent(String path) {
        if (path == null) {
            return null;
        }
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        int slash = p.lastIndexOf('/');
        return slash < 0 ? null : slash == 0 ? "/" : p.substring(0, slash);
    }
}
