package io.kvasir.kernels;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Says, in every build without TornadoVM, that the TornadoVM kernel tests did not run and how to run
 * them: they live in the tornado-backend module, which only the tornado profile builds.
 */
class TornadoBackendSkippedTest {
    @Test
    void tornadoKernelTestsRunOnlyWithTheTornadoProfile() {
        String sdk = System.getenv("TORNADO_SDK");
        String why = "TornadoVM kernel tests skipped: TORNADO_SDK is not set, so the tornado-backend module is not"
                + " built. Run them with: TORNADO_SDK=/path/to/tornadovm-sdk ./mvnw -Ptornado -pl tornado-backend -am test";
        if (sdk == null || sdk.isBlank()) {
            System.out.println(why);
        }
        assumeTrue(sdk != null && !sdk.isBlank(), why);
    }
}
