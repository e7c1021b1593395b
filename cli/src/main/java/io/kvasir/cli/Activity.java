package io.kvasir.cli;

/**
 * What the CLI is doing right now, in words ("loading model DIR", "snapkv-b128-kv16: vt 3/20"), so that a failure
 * that carries no context of its own, such as running out of memory, can say when it happened.
 */
final class Activity {
    private static volatile String now;

    private Activity() {}

    static void set(String what) {
        now = what;
    }

    /** What is being done, or null before the command has said. */
    static String get() {
        return now;
    }
}
