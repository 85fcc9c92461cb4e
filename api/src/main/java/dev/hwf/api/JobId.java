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
        for (int i = 0; i < value.length(); i++) {
            if (!allowed(value.charAt(i))) {
                throw new IllegalArgumentException("job id has unexpected characters: " + value);
            }
        }
    }

    /**
     * Letters, digits and {@code . _ [ ] -}: checked a character at a time, not with a regular
     * expression, which would be compiled again for every id of every scheduler answer.
     */
    private static boolean allowed(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                || c == '[' || c == ']' || c == '-';
    }

    @Override
    public String toString() {
        return value;
    }
}
