/** The avstream command line: demo, run, produce, consume. */
package io.avstream.deploy.cli;
