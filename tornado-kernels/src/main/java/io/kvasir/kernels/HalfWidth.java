package io.kvasir.kernels;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** Species for reading 16-bit values: as many shorts as the float species has lanes. */
final class HalfWidth {
    static final VectorSpecies<Short> S =
            ShortVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(VectorMath.F.vectorBitSize() / 2));
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED.withShape(VectorMath.F.vectorShape());

    private HalfWidth() {}
}
