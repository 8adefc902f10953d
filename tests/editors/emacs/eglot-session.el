;;; eglot-session.el --- drive eglot in batch against switchboard  -*- lexical-binding: t; -*-
;; emacs --batch -l tests/editors/emacs/eglot-session.el
;; Env: SWITCHBOARD_BIN, SB_TEST_FILE (a .py file), SB_EMACS_OUT (results, JSON).
;; Loads the shipped editors/emacs/switchboard-eglot.el, starts eglot on the file,
;; asks completion-at-point for candidates at the end of the buffer and writes them.

(require 'package)
(package-initialize)                    ; Debian's elpa-eglot lives in site-lisp/elpa
(require 'json)
(add-to-list 'load-path (expand-file-name "editors/emacs"))
(require 'switchboard-eglot)
(setq switchboard-command (list (getenv "SWITCHBOARD_BIN") "--stdio"))
(setq eglot-sync-connect 10)

(defun sb-test--out (alist)
  (with-temp-file (getenv "SB_EMACS_OUT")
    (insert (json-encode alist))))

(condition-case err
    (progn
      (find-file (getenv "SB_TEST_FILE"))
      (unless (derived-mode-p 'python-mode) (python-mode))
      (apply #'eglot (eglot--guess-contact))
      (let ((server (eglot-current-server))
            (candidates nil)
            (deadline (+ (float-time) 8)))
        (unless server (error "eglot did not connect"))
        (goto-char (point-max))
        ;; The AI item may miss the first list (it never waits long); the list is
        ;; then marked incomplete and asking again gets it, as typing would.
        (while (and (not (seq-some (lambda (c) (string-match-p "a \\+ b" c)) candidates))
                    (< (float-time) deadline))
          (let* ((capf (eglot-completion-at-point))
                 (table (nth 2 capf)))
            (setq candidates (all-completions "" table)))
          (unless (seq-some (lambda (c) (string-match-p "a \\+ b" c)) candidates)
            (sleep-for 0.2)))
        (let ((result `((server . ,(jsonrpc-name server))
                        (command . ,(vconcat (process-command (jsonrpc--process server))))
                        (capabilities_completion . ,(if (eglot--server-capable :completionProvider) t :json-false))
                        (candidates . ,(vconcat candidates)))))
          (eglot-shutdown server)
          (sb-test--out (cons `(exit_status . ,(process-exit-status (jsonrpc--process server)))
                              result)))))
  (error (sb-test--out `((error . ,(error-message-string err))))))
(kill-emacs 0)
