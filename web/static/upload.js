// Getting a chosen file ready to send, for form.js: a small picture of a
// photo for the list of chosen files and, for a JPEG whose long edge is
// over the print size, a copy shrunk to it. Phones take 12-megapixel
// photos of 3-6 MB; at the print size (3000 px) the copy is about a third
// of that, which on a weak connection is minutes saved. The copy is drawn
// upright (the EXIF orientation applied) and re-encoded from its pixels,
// so it carries no EXIF, GPS or other metadata at all; the server strips
// metadata from whatever it receives anyway. A copy that is not smaller,
// a document, or a browser that cannot decode images: the file goes as it is.
window.StoryDeskUpload = (function () {
  "use strict";

  var THUMB = 96; // CSS pixels, the long edge of a picture in the list
  var QUALITY = 0.9;

  function isJPEG(file) {
    return file.type === "image/jpeg" || /\.jpe?g$/i.test(file.name);
  }

  function isImage(file) {
    return /^image\/(jpeg|png|webp)$/.test(file.type) || /\.(jpe?g|png|webp)$/i.test(file.name);
  }

  // decode gives the picture upright, or null when the browser cannot.
  function decode(file) {
    if (typeof window.createImageBitmap !== "function") {
      return Promise.resolve(null);
    }
    return window.createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () {
      return null;
    });
  }

  // thumbnail draws the picture small on a canvas: an <img> would need a
  // blob: URL, which the page's Content-Security-Policy does not allow.
  function thumbnail(bitmap) {
    var ratio = Math.min(1, THUMB / Math.max(bitmap.width, bitmap.height));
    var scale = window.devicePixelRatio || 1;
    var canvas = document.createElement("canvas");
    canvas.className = "file-thumb";
    canvas.width = Math.max(1, Math.round(bitmap.width * ratio * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * ratio * scale));
    canvas.style.width = Math.round(bitmap.width * ratio) + "px";
    canvas.style.height = Math.round(bitmap.height * ratio) + "px";
    canvas.setAttribute("aria-hidden", "true");
    var ctx = canvas.getContext("2d");
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return canvas;
  }

  // shrink resolves to a JPEG blob of the picture with its long edge at
  // edge pixels, or null.
  function shrink(bitmap, edge) {
    var ratio = edge / Math.max(bitmap.width, bitmap.height);
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * ratio));
    canvas.height = Math.max(1, Math.round(bitmap.height * ratio));
    var ctx = canvas.getContext("2d");
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return new Promise(function (resolve) {
      if (typeof canvas.toBlob !== "function") {
        resolve(null);
        return;
      }
      canvas.toBlob(resolve, "image/jpeg", QUALITY);
    });
  }

  // prepare resolves to what to send and show for file:
  // {blob, name, size, shrunk, thumb}, thumb a canvas or null.
  function prepare(file, edge) {
    var out = { blob: file, name: file.name, size: file.size, shrunk: false, thumb: null };
    if (!isImage(file)) {
      return Promise.resolve(out);
    }
    return decode(file).then(function (bitmap) {
      if (!bitmap) {
        return out;
      }
      out.thumb = thumbnail(bitmap);
      if (!edge || !isJPEG(file) || Math.max(bitmap.width, bitmap.height) <= edge) {
        bitmap.close();
        return out;
      }
      return shrink(bitmap, edge).then(function (blob) {
        bitmap.close();
        if (blob && blob.size < file.size) {
          out.blob = blob;
          out.size = blob.size;
          out.shrunk = true;
        }
        return out;
      });
    }).catch(function () {
      return out; // whatever went wrong, the original still goes
    });
  }

  // queue runs prepare one file at a time: five 12-megapixel photos decoded
  // at once would hold a quarter of a gigabyte on a phone.
  var last = Promise.resolve();
  function queue(file, edge) {
    var p = last.then(function () {
      return prepare(file, edge);
    });
    last = p;
    return p;
  }

  return { prepare: queue, isImage: isImage };
})();
