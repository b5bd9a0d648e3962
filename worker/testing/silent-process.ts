/** A child that never says `ready`: host tests use it to exercise the handshake timeout. */
setInterval(() => undefined, 1_000);
