"""Speech synthesisers from Debian main, wrapped for the spoken-digit corpus.

Each engine returns 16 kHz mono int16 waveforms; a missing Debian package
raises :class:`benchmarks.errors.DataUnavailable` with the ``apt-get`` line.
"""
