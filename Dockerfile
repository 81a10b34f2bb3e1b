# Dataflow worker (and Flex Template launcher) image for Crosswire.
# The base image's Beam SDK version must equal setup.py's BEAM_VERSION.
FROM apache/beam_python3.11_sdk:2.77.0

WORKDIR /opt/crosswire
COPY setup.py pyproject.toml README.md ./
COPY pipeline/ pipeline/
COPY transforms/ transforms/
COPY configs/ configs/
COPY dataflow/ dataflow/

# Install the package (not editable) and keep its configuration where the code looks for it.
RUN pip install --no-cache-dir . \
 && mkdir -p /usr/local/share/crosswire \
 && cp -r configs /usr/local/share/crosswire/configs \
 && pip check

ENV CROSSWIRE_CONFIG_DIR=/usr/local/share/crosswire/configs

# The image's own name (docker build --build-arg IMAGE=R-docker.pkg.dev/P/REPO/crosswire:TAG):
# a Flex Template launch gives it to the workers as --sdk_container_image (dataflow/main.py).
ARG IMAGE=""
ENV CROSSWIRE_SDK_CONTAINER_IMAGE=${IMAGE}

# Flex Template launches: Google's launcher runs dataflow/main.py, which submits the job.
COPY --from=gcr.io/dataflow-templates-base/python311-template-launcher-base:latest \
     /opt/google/dataflow/python_template_launcher /opt/google/dataflow/python_template_launcher
ENV FLEX_TEMPLATE_PYTHON_PY_FILE=/opt/crosswire/dataflow/main.py

# Keep Beam's worker boot program as the entrypoint: Dataflow starts workers through it.
ENTRYPOINT ["/opt/apache/beam/boot"]
