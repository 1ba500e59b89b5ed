"""model.predict on one batch: python predict.py MODEL.keras X.npy OUT.npy (safe_mode on)."""

import sys

import numpy as np

import keras

if __name__ == "__main__":
    model = keras.saving.load_model(sys.argv[1], compile=False, safe_mode=True)
    np.save(sys.argv[3], np.asarray(model.predict(np.load(sys.argv[2], allow_pickle=False), verbose=0), dtype=np.float32))
