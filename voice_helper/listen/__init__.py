"""Listen: audio sources, endpointing and speech engines (audio -> text)."""
