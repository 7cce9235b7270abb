/**
 * Fixed mesh topologies that MoCap streams refer to by id ({@code MocapFrame.topology}).
 *
 * <p>A topology is the vertex order, the triangles and a rest-pose template of a body mesh. Every
 * frame of a stream sends only the posed vertices, in the template's order; consumers read the
 * template from the class path:
 *
 * <pre>{@code
 * MeshTopology humanoid = MeshTopology.load("avstream-humanoid-v1");  // avstream/topologies/<id>.obj
 * int n = humanoid.vertexCount();
 * }</pre>
 */
package io.avstream.schemas.topology;
