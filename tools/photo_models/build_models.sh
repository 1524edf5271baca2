#!/bin/sh
# Rebuilds assets/models/*.onnx (and src/photo/canonical_face.rs) from the
# MediaPipe npm packages. Needs npm, and python3 with tflite==2.18.0, onnx,
# numpy (PyPI). Run from the repository root:
#   sh tools/photo_models/build_models.sh
# Compare the printed sha256 sums with assets/models/SOURCES.md.
set -eu
root=$(pwd)
work=$(mktemp -d)
cd "$work"
npm pack --silent @mediapipe/face_detection@0.4.1657300184 @mediapipe/face_mesh@0.4.1657299874 \
  @mediapipe/selfie_segmentation@0.1.1675465747 >/dev/null
tar xzf mediapipe-face_detection-0.4.1657300184.tgz package/face_detection_short_range.tflite
tar xzf mediapipe-selfie_segmentation-0.1.1675465747.tgz package/selfie_segmentation.tflite
tar xzf mediapipe-face_mesh-0.4.1657299874.tgz package/face_mesh_solution_packed_assets.data
# byte ranges from package/face_mesh_solution_packed_assets_loader.js
dd if=package/face_mesh_solution_packed_assets.data of=face_landmark.tflite bs=1 skip=2495952 count=1241896 status=none
dd if=package/face_mesh_solution_packed_assets.data of=geometry.binarypb bs=1 skip=3737848 count=19376 status=none
mv package/face_detection_short_range.tflite package/selfie_segmentation.tflite .
for m in face_detection_short_range face_landmark selfie_segmentation; do
  python3 "$root/tools/photo_models/tflite_to_onnx.py" "$m.tflite" "$root/assets/models/$m.onnx"
  # PRelu and the 2x bilinear Resize as equivalent ops tract runs fast
  python3 "$root/tools/photo_models/tract_friendly.py" "$root/assets/models/$m.onnx" "$root/assets/models/$m.onnx"
done
python3 "$root/tools/photo_models/canonical_face.py" geometry.binarypb > "$root/src/photo/canonical_face.rs"
sha256sum ./*.tflite "$root"/assets/models/*.onnx
rm -rf "$work"
