"""Vision: perceptual hashes, image features, authenticity scoring, theft checks, rendering."""
