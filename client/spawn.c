/*
 * spawn.c -- start a local cafeboard-server when none answers, as tmux does:
 * detached (its own session, double fork), logging to a file, and left
 * running for the next client.
 *
 * Several clients find the server gone at the same moment (it was killed
 * under a room of them): only the one holding SOCKET.lock starts a new
 * one, and keeps the lock until it can connect, so that two servers never
 * race to bind one socket; the others wait and connect to it.  The lock is
 * an flock: a client that dies releases it.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "i18n.h"
#include "paths.h"
#include "xmalloc.h"

/* Make the directories of path, like mkdir -p (mode 0700); 0 or -1. */
static int
spawn_mkdirs(const char *path)
{
	char	*p = xstrdup(path), *s;
	int	 rc = 0;

	for (s = p + 1; *s != '\0' && rc == 0; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	free(p);
	return rc;
}

/*
 * Take the lock of starting a server on socket_path.  Returns the fd to
 * keep while the server comes up, SPAWN_LOCK_BUSY when another client is
 * starting one, or SPAWN_LOCK_NONE when there is no lock to take (the
 * directory cannot hold one): start without it.
 */
int
spawn_lock(const char *socket_path)
{
	char	*path;
	int	 fd;

	xasprintf(&path, "%s.lock", socket_path);
	if (spawn_mkdirs(path) != 0 ||
	    (fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		free(path);
		return SPAWN_LOCK_NONE;
	}
	free(path);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		return errno == EWOULDBLOCK ? SPAWN_LOCK_BUSY :
		    SPAWN_LOCK_NONE;
	}
	return fd;
}

/* Let the others start a server again. */
void
spawn_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

/*
 * Start bin serving socket_path.  Returns once the detached server process
 * exists (it may need a moment to listen); -1 with err, in the user's
 * language, if it could not be started.
 */
int
spawn_server(const char *bin, const char *socket_path, char *err,
    size_t errlen)
{
	char	*data, *logpath;
	pid_t	 pid;
	int	 status, fd;

	if (bin == NULL || (strchr(bin, '/') != NULL &&
	    access(bin, X_OK) != 0)) {
		snprintf(err, errlen, _("cannot start a local server: %s not "
		    "found"), bin != NULL ? bin : "cafeboard-server");
		return -1;
	}
	data = paths_default_data();
	xasprintf(&logpath, "%s/server.log", data);
	pid = fork();
	if (pid == -1) {
		snprintf(err, errlen, _("cannot start a local server: %s"),
		    strerror(errno));
		free(data);
		free(logpath);
		return -1;
	}
	if (pid == 0) {
		if (setsid() == -1)
			_exit(1);
		if (fork() != 0)
			_exit(0);
		if (chdir("/") != 0)
			_exit(1);
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			if (fd > STDERR_FILENO)
				close(fd);
		}
		for (fd = STDERR_FILENO + 1; fd < 1024; fd++)
			close(fd);
		spawn_mkdirs(logpath);
		execlp(bin, bin, "--socket", socket_path, "--log-file",
		    logpath, (char *)NULL);
		_exit(127);
	}
	free(data);
	free(logpath);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "%s", _("cannot start a local server"));
		return -1;
	}
	return 0;
}
