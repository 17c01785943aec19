// Downscales a chosen photo on the phone before it is stored and sent: long side at most
// 1600 px, JPEG quality 0.8, so a 12 MP camera photo of several MB uploads as a few hundred KB
// over a weak connection. The server still validates and re-encodes it. A photo the browser
// cannot decode (HEIC on Chrome, say) is kept as it is: the server converts or refuses it.
(function () {
  "use strict";
  var LONG_SIDE = 1600;
  var QUALITY = 0.8;

  function decodeWithImg(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        resolve({
          source: img,
          width: img.naturalWidth,
          height: img.naturalHeight,
          close: function () {
            URL.revokeObjectURL(url);
          },
        });
      };
      img.onerror = function () {
        URL.revokeObjectURL(url);
        reject(new Error("cannot decode"));
      };
      img.src = url;
    });
  }

  // Upright as the camera meant it: "from-image" applies the EXIF orientation.
  function decode(file) {
    if (!window.createImageBitmap) return decodeWithImg(file);
    var bitmap;
    try {
      bitmap = createImageBitmap(file, { imageOrientation: "from-image" });
    } catch (e) {
      return decodeWithImg(file);
    }
    return bitmap.then(
      function (b) {
        return {
          source: b,
          width: b.width,
          height: b.height,
          close: function () {
            b.close();
          },
        };
      },
      function () {
        return decodeWithImg(file);
      }
    );
  }

  function toJpeg(decoded) {
    var scale = Math.min(1, LONG_SIDE / Math.max(decoded.width, decoded.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(decoded.width * scale));
    canvas.height = Math.max(1, Math.round(decoded.height * scale));
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff"; // a transparent PNG becomes white, not black, as a JPEG
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(decoded.source, 0, 0, canvas.width, canvas.height);
    return new Promise(function (resolve, reject) {
      canvas.toBlob(
        function (blob) {
          canvas.width = canvas.height = 0; // give the pixel memory back at once on small phones
          if (blob) resolve({ blob: blob, scaled: scale < 1 });
          else reject(new Error("cannot encode"));
        },
        "image/jpeg",
        QUALITY
      );
    });
  }

  function jpegName(name) {
    return (name || "photo").replace(/\.[^./]*$/, "") + ".jpg";
  }

  // Resolves with {name, type, blob}; never rejects, the original is the fallback.
  function resizePhoto(file) {
    var original = { name: file.name, type: file.type, blob: file };
    return decode(file)
      .then(function (decoded) {
        return toJpeg(decoded).then(
          function (out) {
            decoded.close();
            var readable = /^image\/(jpeg|png|webp)$/.test(file.type);
            // A small photo may already be smaller than its re-encoded copy.
            if (!out.scaled && readable && out.blob.size >= file.size) return original;
            return { name: jpegName(file.name), type: "image/jpeg", blob: out.blob };
          },
          function (error) {
            decoded.close();
            throw error;
          }
        );
      })
      .catch(function () {
        return original;
      });
  }

  window.fieldapp = window.fieldapp || {};
  window.fieldapp.resizePhoto = resizePhoto;
})();
