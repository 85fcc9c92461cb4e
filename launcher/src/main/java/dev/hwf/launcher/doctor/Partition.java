package dev.hwf.launcher.doctor;

/**
 * A partition (Slurm) or queue (PBS, LSF) as the scheduler lists it.
 *
 * @param name       its name, as a task's {@code partition:} names it
 * @param isDefault  where a job goes that names none
 * @param up         whether it takes and starts jobs now
 * @param state      the scheduler's word for its state ({@code up}, {@code drain}, {@code Closed}, …)
 * @param gpus       the GPUs of its nodes, all together; null when the scheduler's answer does not tell
 */
public record Partition(String name, boolean isDefault, boolean up, String state, Integer gpus) {
    /** "gpu (up, 2 GPUs)". */
    String shown() {
        return name + " (" + (isDefault ? "default, " : "") + state
                + (gpus == null ? "" : gpus == 0 ? ", no GPUs" : ", " + gpus + (gpus == 1 ? " GPU" : " GPUs")) + ")";
    }
}
