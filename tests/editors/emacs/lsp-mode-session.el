;;; lsp-mode-session.el --- drive lsp-mode's inline completion against switchboard  -*- lexical-binding: t; -*-
;; emacs --batch -l tests/editors/emacs/lsp-mode-session.el
;; Env: SWITCHBOARD_BIN, SB_TEST_FILE (a .py file), SB_EMACS_OUT (results, JSON),
;; SB_LSP_MODE_LISP (a folder of package folders: lsp-mode 10 and what it needs),
;; SB_LEDGER (the ledger the server writes), SB_TEST_TMP (for lsp-mode's session file).
;; Loads the shipped editors/emacs/switchboard-lsp-mode.el, starts lsp-mode on the file,
;; shows an inline completion, cancels it, shows it again, accepts it, and waits for the
;; acceptance in the ledger; writes what it saw.

(require 'json)
;; As package.el would: each package folder on the load-path, its autoloads loaded
;; (lsp-mode's turn on lsp-inline-completion-mode for a server that offers it).
(dolist (dir (directory-files (getenv "SB_LSP_MODE_LISP") t "\\`[^.]"))
  (when (file-directory-p dir)
    (add-to-list 'load-path dir)
    (dolist (autoloads (directory-files dir t "-autoloads\\.el\\'"))
      (load autoloads nil t))))
(setq lsp-session-file (expand-file-name "lsp-session" (getenv "SB_TEST_TMP"))
      lsp-enable-suggest-server-download nil
      lsp-enable-file-watchers nil
      lsp-enable-snippet nil
      lsp-headerline-breadcrumb-enable nil
      lsp-modeline-code-actions-enable nil
      lsp-modeline-diagnostics-enable nil
      lsp-lens-enable nil
      lsp-restart 'ignore
      lsp-inline-completion-idle-delay 3600)   ; the test asks itself, not the idle timer
(require 'lsp-mode)
(add-to-list 'load-path (expand-file-name "editors/emacs"))
(require 'switchboard-lsp-mode)
(setq switchboard-command (list (getenv "SWITCHBOARD_BIN") "--stdio"))

(defun sb-test--out (alist)
  (with-temp-file (getenv "SB_EMACS_OUT")
    (insert (json-encode alist))))

(defun sb-test--wait (pred what &optional seconds)
  "Runs the event loop until PRED is non-nil; an error naming WHAT after SECONDS."
  (let ((deadline (+ (float-time) (or seconds 10))))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or (funcall pred) (error "Timed out waiting for %s" what))))

(defun sb-test--shown ()
  "The ghost text lsp-mode shows, or nil."
  (and (overlayp lsp-inline-completion--overlay)
       (overlay-buffer lsp-inline-completion--overlay)
       (substring-no-properties
        (or (overlay-get lsp-inline-completion--overlay 'after-string) ""))))

(defun sb-test--accepts ()
  (let ((file (getenv "SB_LEDGER")) (n 0))
    (when (file-exists-p file)
      (with-temp-buffer
        (insert-file-contents file)
        (goto-char (point-min))
        (while (re-search-forward "\"accept\"" nil t) (setq n (1+ n)))))
    n))

(condition-case err
    (let ((file (getenv "SB_TEST_FILE")))
      (lsp-workspace-folders-add (file-name-directory file))
      (find-file file)
      (unless (derived-mode-p 'python-mode) (python-mode))
      (lsp)
      (sb-test--wait (lambda () (and lsp--buffer-workspaces
                                     (eq (lsp--workspace-status (car lsp--buffer-workspaces))
                                         'initialized)))
                     "lsp-mode to start switchboard")
      (let* ((workspace (car lsp--buffer-workspaces))
             (server (lsp--client-server-id (lsp--workspace-client workspace)))
             (mode-on (bound-and-true-p lsp-inline-completion-mode))
             shown-first shown-after-cancel shown-again)
        (goto-char (point-max))
        (lsp-inline-completion-display)
        (setq shown-first (sb-test--shown))
        (lsp-inline-completion-cancel)
        (setq shown-after-cancel (sb-test--shown))
        (goto-char (point-max))
        (lsp-inline-completion-display)
        (setq shown-again (sb-test--shown))
        (lsp-inline-completion-accept)
        (sb-test--wait (lambda () (> (sb-test--accepts) 0)) "the acceptance in the ledger")
        (let ((result `((server . ,(symbol-name server))
                        (inline_mode . ,(if mode-on t :json-false))
                        (shown_first . ,shown-first)
                        (shown_after_cancel . ,shown-after-cancel)
                        (shown_again . ,shown-again)
                        (buffer . ,(buffer-substring-no-properties (point-min) (point-max)))
                        (accepts . ,(sb-test--accepts)))))
          (lsp-workspace-shutdown workspace)
          (sb-test--out result))))
  (error (sb-test--out `((error . ,(error-message-string err))))))
(kill-emacs 0)
