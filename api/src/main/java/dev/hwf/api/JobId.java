package dev.hwf.api;

/**
 * A scheduler's id for one submitted job (for an array: the id of the whole array).
 * Kept as the scheduler prints it, minus any cluster suffix the adapter strips.
 */
public record JobId(String value) {
    public JobId {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("job id must not be blank");
        }
        if (!value.matches("[A-Za-z0-9._\\[\\]-]+")) {
            throw new IllegalArgumentException("job id has unexpected characters: " + value);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
