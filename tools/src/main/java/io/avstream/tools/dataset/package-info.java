/** Training data from the synthetic MoCap actors and reference vectors of the STMT preprocessing. */
package io.avstream.tools.dataset;
