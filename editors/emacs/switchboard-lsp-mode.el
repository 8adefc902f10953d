;;; switchboard-lsp-mode.el --- switchboard with lsp-mode  -*- lexical-binding: t; -*-

;; lsp-mode runs switchboard as an add-on server next to the mode's usual server.
;; With lsp-mode 10+ the suggestions show as ghost text (`lsp-inline-completion-mode',
;; turned on by lsp-mode when the server offers textDocument/inlineCompletion; accept
;; with `lsp-inline-completion-accept', which also records the acceptance); older
;; lsp-mode shows them as completion candidates.  AI code actions: `lsp-execute-code-action'.
;; lsp-mode asks for inline completions after `lsp-inline-completion-idle-delay' (2 s by
;; default); 0.3 feels closer to other editors.
;;
;; Usage:
;;   (add-to-list 'load-path "/path/to/switchboard/editors/emacs")
;;   (with-eval-after-load 'lsp-mode (require 'switchboard-lsp-mode))
;;   (add-hook 'python-mode-hook #'lsp-deferred)

;;; Code:

(require 'lsp-mode)

(defgroup switchboard nil "AI model router language server." :group 'tools)

(defcustom switchboard-command '("switchboard" "--stdio")
  "How to start switchboard: the program (a name on `exec-path' or a full path) and its arguments."
  :type '(repeat string))

(defcustom switchboard-lsp-modes
  '(python-mode python-ts-mode rust-mode rust-ts-mode go-mode go-ts-mode
    js-mode js-ts-mode typescript-mode typescript-ts-mode tsx-ts-mode
    c-mode c-ts-mode c++-mode c++-ts-mode java-mode java-ts-mode
    ruby-mode ruby-ts-mode sh-mode bash-ts-mode lua-mode zig-mode)
  "Major modes (and modes derived from them) in which lsp-mode adds switchboard."
  :type '(repeat symbol))

(defcustom switchboard-initialization-options nil
  "A plist sent as initializationOptions, deep-merged over switchboard's config file.
For example (:inline (:max_lines 4))."
  :type 'sexp)

(defun switchboard-lsp--activate-p (_file-name mode)
  "Whether switchboard serves a buffer in MODE."
  (apply #'provided-mode-derived-p mode switchboard-lsp-modes))

(lsp-register-client
 (make-lsp-client
  :new-connection (lsp-stdio-connection (lambda () switchboard-command))
  :activation-fn #'switchboard-lsp--activate-p
  :add-on? t
  :priority -2
  :server-id 'switchboard
  :initialization-options (lambda () switchboard-initialization-options)))

(provide 'switchboard-lsp-mode)
;;; switchboard-lsp-mode.el ends here
