"""Clients of the public catalogs: MusicBrainz, TMDB, Cover Art Archive, Discogs, OpenSubtitles."""
