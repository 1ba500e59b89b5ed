"""Reads TensorBoard event folders with TensorBoard's own EventAccumulator (which checks each record's CRC).

stdin: JSON {"dirs": [path]}; stdout: JSON {path: {"scalars": {tag: [[step, value]]},
"histograms": {tag: [[step, limits, counts, min, max]]}, "hparams": {name: value} | null}}.
"""
import json
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams import metadata as hp_metadata


def read(path):
    acc = EventAccumulator(path, size_guidance={"scalars": 0, "histograms": 0, "tensors": 0})
    acc.Reload()
    tags = acc.Tags()
    scalars = {t: [[e.step, e.value] for e in acc.Scalars(t)] for t in tags["scalars"]}
    histograms = {}
    for t in tags["histograms"]:
        histograms[t] = [[e.step, list(e.histogram_value.bucket_limit), list(e.histogram_value.bucket), e.histogram_value.min, e.histogram_value.max] for e in acc.Histograms(t)]
    hparams = None
    try:
        content = acc.PluginTagToContent(hp_metadata.PLUGIN_NAME)
    except KeyError:
        content = {}
    if hp_metadata.SESSION_START_INFO_TAG in content:
        info = hp_metadata.parse_session_start_info_plugin_data(content[hp_metadata.SESSION_START_INFO_TAG])
        hparams = {}
        for k, v in info.hparams.items():
            kind = v.WhichOneof("kind")
            hparams[k] = getattr(v, kind)
    return {"scalars": scalars, "histograms": histograms, "hparams": hparams}


def main():
    request = json.load(sys.stdin)
    json.dump({d: read(d) for d in request["dirs"]}, sys.stdout)


if __name__ == "__main__":
    main()
