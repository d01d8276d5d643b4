#!/usr/bin/python3
"""The pandas peer of `hitscope integrate`: the same joins, the same output columns.

Usage: /usr/bin/python3 bench/peers/pandas_integrate.py DIR OUT.csv
Mirrors src/prepare/integrate.cpp step by step (docs/data.md): track popularity (when
sp_track_popularity.csv exists), ISRC and audio features (first row per ISRC), release, then the
artists of each track from sp_artist_track.csv (first listed, all joined by '; ', count).
"""
import os
import sys

import pandas as pd

src, out = sys.argv[1], sys.argv[2]
path = lambda name: os.path.join(src, name)
features = ["acousticness", "danceability", "energy", "instrumentalness", "key", "liveness",
            "loudness", "mode", "speechiness", "tempo", "time_signature", "valence"]

tracks = pd.read_csv(path("sp_track.csv"),
                     usecols=["track_id", "track_title", "duration_ms", "isrc", "track_number",
                              "release_id", "explicit", "disc_number"],
                     dtype={"track_id": str, "isrc": str, "release_id": str})
popularity = pd.read_csv(path("sp_track_popularity.csv"), dtype={"track_id": str})
popularity = popularity.drop_duplicates("track_id")
tracks = tracks.merge(popularity, on="track_id", how="inner")
tracks = tracks[tracks["isrc"].notna()]
audio = pd.read_csv(path("audio_features.csv"), usecols=["isrc"] + features, dtype={"isrc": str})
audio = audio.drop_duplicates("isrc")
tracks = tracks.merge(audio, on="isrc", how="inner")
releases = pd.read_csv(path("sp_release.csv"),
                       usecols=["release_id", "release_title", "release_date", "popularity",
                                "album_type", "label_name"],
                       dtype={"release_id": str, "release_date": str})
releases = releases.drop_duplicates("release_id").rename(
    columns={"popularity": "release_popularity"})
tracks = tracks.merge(releases, on="release_id", how="inner")
links = pd.read_csv(path("sp_artist_track.csv"), usecols=["track_id", "artist_id"],
                    dtype=str)
artists = pd.read_csv(path("sp_artist.csv"), usecols=["artist_id", "artist_name"], dtype=str)
artists = artists.drop_duplicates("artist_id")
links = links[links["track_id"].isin(tracks["track_id"])].merge(artists, on="artist_id",
                                                                 how="left")
links["artist_name"] = links["artist_name"].fillna(links["artist_id"])
grouped = links.groupby("track_id", sort=False).agg(
    artist_id=("artist_id", "first"), artist=("artist_name", "first"),
    artists=("artist_name", "; ".join), artist_count=("artist_id", "size"))
tracks = tracks.merge(grouped, left_on="track_id", right_index=True, how="left")
tracks["artist_count"] = tracks["artist_count"].fillna(0).astype(int)
order = ["track_id", "track_title", "isrc", "artist_id", "artist", "artists", "artist_count",
         "release_id", "release_title", "release_date", "album_type", "label_name",
         "track_number", "disc_number", "explicit", "duration_ms", "popularity",
         "release_popularity"] + features
tracks[order].to_csv(out, index=False)
print(len(tracks), file=sys.stderr)
