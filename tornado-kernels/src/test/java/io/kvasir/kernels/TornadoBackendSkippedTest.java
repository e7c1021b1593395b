package io.kvasir.kernels;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Says, in every build without TornadoVM, that the TornadoVM kernel tests did not run and how to run
 * them: the TornadoVM kernels (src/tornado/java) and their tests (in the tornado-backend module) are
 * compiled only by the tornado profile.
 */
class TornadoBackendSkippedTest {
    @Test
    void tornadoKernelTestsRunOnlyWithTheTornadoProfile() {
        String sdk = System.getenv("TORNADO_SDK");
        String why = "TornadoVM kernel tests skipped: TORNADO_SDK is not set, so neither the TornadoVM kernels nor the"
                + " tornado-backend module are built. Run them with: TORNADO_SDK=/path/to/tornadovm-sdk ./mvnw -Ptornado -pl tornado-backend -am test";
        if (sdk == null || sdk.isBlank()) {
            System.out.println(why);
        }
        assumeTrue(sdk != null && !sdk.isBlank(), why);
    }
}
