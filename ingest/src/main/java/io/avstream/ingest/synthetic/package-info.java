/**
 * Synthetic MoCap: a procedural humanoid mesh (topology {@code avstream-humanoid-v1}) animated
 * through labelled actions, for demos, load tests and training data.
 *
 * <p>{@link io.avstream.ingest.synthetic.Humanoid} builds the mesh and poses it by linear-blend
 * skinning of a {@link io.avstream.ingest.synthetic.Bone} skeleton;
 * {@link io.avstream.ingest.synthetic.Action} lists the actions in model label order;
 * {@link io.avstream.ingest.synthetic.SyntheticActor} turns a stream id and a seed into an endless,
 * reproducible sequence of posed frames:
 *
 * <pre>{@code
 * SyntheticActor actor = new SyntheticActor("actor-1", 7L);
 * SyntheticActor.Frame f = actor.next();   // f.timeUs(), f.label(), f.vertices()
 * }</pre>
 */
package io.avstream.ingest.synthetic;
