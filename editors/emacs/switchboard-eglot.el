;;; switchboard-eglot.el --- switchboard with eglot  -*- lexical-binding: t; -*-

;; Eglot (built into Emacs 29+, package `elpa-eglot' on Debian 12) has no inline
;; completion: switchboard's suggestions come as completion candidates through
;; `completion-at-point' (M-TAB, or company/corfu), and the AI code actions through
;; `eglot-code-actions'.  Eglot runs one server per major mode and project, so the modes
;; listed here use switchboard *instead of* another eglot server; for switchboard next
;; to your usual server use lsp-mode (switchboard-lsp-mode.el).
;;
;; Usage:
;;   (add-to-list 'load-path "/path/to/switchboard/editors/emacs")
;;   (require 'switchboard-eglot)
;;   (add-hook 'python-mode-hook #'eglot-ensure)   ; for each mode you listed

;;; Code:

(require 'eglot)

(defgroup switchboard nil "AI model router language server." :group 'tools)

(defcustom switchboard-command '("switchboard" "--stdio")
  "How to start switchboard: the program (a name on `exec-path' or a full path) and its arguments."
  :type '(repeat string))

(defcustom switchboard-eglot-modes
  '(python-mode python-ts-mode sh-mode bash-ts-mode lua-mode markdown-mode)
  "Major modes in which eglot starts switchboard."
  :type '(repeat symbol))

(defcustom switchboard-initialization-options nil
  "A plist sent as initializationOptions, deep-merged over switchboard's config file.
For example (:inline (:max_lines 4))."
  :type 'sexp)

(defun switchboard-eglot-contact (&optional _interactive)
  "The eglot contact for switchboard."
  (append switchboard-command
          (when switchboard-initialization-options
            (list :initializationOptions switchboard-initialization-options))))

(defun switchboard-eglot-setup ()
  "Add switchboard to `eglot-server-programs' for `switchboard-eglot-modes'."
  (add-to-list 'eglot-server-programs
               (cons switchboard-eglot-modes #'switchboard-eglot-contact)))

(switchboard-eglot-setup)

(provide 'switchboard-eglot)
;;; switchboard-eglot.el ends here
