package dev.hwf.launcher.journal;

import java.time.Instant;

/**
 * Where an attempt goes (SPEC section 7): the site's name and key (scheduler|host|user), why it
 * was chosen among several (null: it has one), and the start its scheduler estimated (or null).
 */
public record Placed(String site, String key, String why, Instant estimatedStart) {
}
