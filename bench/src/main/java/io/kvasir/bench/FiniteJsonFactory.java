package io.kvasir.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;

/**
 * A JSON factory whose generators write NaN and infinities as {@code null}. Jackson's default
 * writes them as the strings "NaN" and "Infinity", a number hidden in a string that readers take for
 * text (or, with that feature off, as bare tokens that are not JSON at all). kvasir stops runs
 * whose numbers go non-finite, so this is the last line of defence, for every command's output.
 */
public final class FiniteJsonFactory extends JsonFactory {

    public FiniteJsonFactory() {}

    private FiniteJsonFactory(FiniteJsonFactory source) {
        super(source, null);
    }

    @Override
    public JsonFactory copy() {
        return new FiniteJsonFactory(this);
    }

    @Override
    protected JsonGenerator _createGenerator(Writer out, IOContext ctxt) throws IOException {
        return new NullForNonFinite(super._createGenerator(out, ctxt));
    }

    @Override
    protected JsonGenerator _createUTF8Generator(OutputStream out, IOContext ctxt) throws IOException {
        return new NullForNonFinite(super._createUTF8Generator(out, ctxt));
    }

    private static final class NullForNonFinite extends JsonGeneratorDelegate {
        NullForNonFinite(JsonGenerator d) {
            super(d, false);
        }

        @Override
        public void writeNumber(double v) throws IOException {
            if (Double.isFinite(v)) {
                delegate.writeNumber(v);
            } else {
                delegate.writeNull();
            }
        }

        /** The delegate's bulk write would bypass {@link #writeNumber(double)}. */
        @Override
        public void writeArray(double[] values, int offset, int length) throws IOException {
            writeStartArray(values, length);
            for (int i = offset; i < offset + length; i++) {
                writeNumber(values[i]);
            }
            writeEndArray();
        }

        @Override
        public void writeNumber(float v) throws IOException {
            if (Float.isFinite(v)) {
                delegate.writeNumber(v);
            } else {
                delegate.writeNull();
            }
        }
    }
}
